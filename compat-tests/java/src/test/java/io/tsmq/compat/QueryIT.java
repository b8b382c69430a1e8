package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: message lookup. 40 messages (keys {@code qk-<i>}, the first 10 also a shared key, a user property,
 * a tag; one body of 8 KiB, so compressed) are sent synchronously. Then, for several of them:
 * <ul>
 *   <li>by offset msgId: {@code DefaultMQAdminExt.viewMessage(offsetMsgId)} (4.9.x only; VIEW_MESSAGE_BY_ID to the
 *       address inside the id) and {@code viewMessage(topic, offsetMsgId)};</li>
 *   <li>by unique msg id (UNIQ_KEY, what SendResult.getMsgId() returns): {@code viewMessage(topic, msgId)} of
 *       DefaultMQAdminExt and of DefaultMQProducer (QUERY_MESSAGE with _UNIQUE_KEY_QUERY=true);</li>
 *   <li>by key: {@code queryMessage(topic, key, maxNum, begin, end)} finds exactly the one message of a key and the
 *       ten of the shared key; an unknown key finds nothing (MQClientException).</li>
 * </ul>
 * Every message found must be the one sent: topic, queue, queue offset, commit log offset (from the offset msgId),
 * UNIQ_KEY, keys, tag, user property and body.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class QueryIT {
    static final String TOPIC = "CompatQuery";
    static final int COUNT = 40;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;
    static final List<SendResult> results = new ArrayList<>();
    static String sharedKey;
    static long begin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(QueryIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address());
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 4);
        producer = Clients.producer("compat_query_producer", namesrv.address());
        sharedKey = "qshared-" + System.currentTimeMillis();
        begin = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < COUNT; i++) {
            SendResult r = producer.send(message(i));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i + ": " + r);
            results.add(r);
        }
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    static byte[] body(int i) {
        if (i == 7) {
            byte[] b = new byte[8192];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) ('a' + (j * 7 + i) % 26);
            }
            return b;
        }
        return ("query body #" + i + " ünïcödé").getBytes(StandardCharsets.UTF_8);
    }

    static String keys(int i) {
        return i < 10 ? "qk-" + i + " " + sharedKey : "qk-" + i;
    }

    static Message message(int i) {
        Message m = new Message(TOPIC, i % 2 == 0 ? "TagQ" : "TagR", keys(i), body(i));
        m.putUserProperty("u_seq", Integer.toString(i));
        return m;
    }

    /** Checks that {@code m} is message {@code i} as sent. */
    static void check(String how, int i, MessageExt m) {
        assertNotNull(m, how + ": no message");
        SendResult r = results.get(i);
        String ctx = how + " for #" + i + ": " + m;
        assertEquals(TOPIC, m.getTopic(), ctx);
        assertEquals(Integer.toString(i), m.getUserProperty("u_seq"), ctx);
        assertEquals(r.getMsgId(), m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), "UNIQ_KEY; " + ctx);
        assertEquals(keys(i), m.getKeys(), ctx);
        assertEquals(i % 2 == 0 ? "TagQ" : "TagR", m.getTags(), ctx);
        assertEquals(r.getMessageQueue().getQueueId(), m.getQueueId(), "queueId; " + ctx);
        assertEquals(r.getQueueOffset(), m.getQueueOffset(), "queueOffset; " + ctx);
        try {
            assertEquals(MessageDecoder.decodeMessageId(r.getOffsetMsgId()).getOffset(), m.getCommitLogOffset(),
                "commit log offset (from the offset msgId " + r.getOffsetMsgId() + "); " + ctx);
        } catch (Exception e) {
            throw new AssertionError("cannot decode the offset msgId " + r.getOffsetMsgId() + " of the send result", e);
        }
        assertTrue(java.util.Arrays.equals(body(i), m.getBody()), "body; " + ctx);
    }

    static final int[] PICKS = {0, 7, 13, 26, 39};

    @Test
    void viewByOffsetMsgId() throws Exception {
        Method single = null;
        try {
            single = admin.getClass().getMethod("viewMessage", String.class); // 4.9.x
        } catch (NoSuchMethodException e) {
            System.out.println("[compat] DefaultMQAdminExt.viewMessage(String) does not exist in " + Peers.VERSION);
        }
        for (int i : PICKS) {
            String offsetMsgId = results.get(i).getOffsetMsgId();
            if (single != null) {
                try {
                    check("viewMessage(offsetMsgId)", i, (MessageExt) single.invoke(admin, offsetMsgId));
                } catch (InvocationTargetException e) {
                    throw new AssertionError("viewMessage(" + offsetMsgId + ") of #" + i + " failed", e.getCause());
                }
            }
            check("admin viewMessage(topic, offsetMsgId)", i, admin.viewMessage(TOPIC, offsetMsgId));
        }
    }

    @Test
    void viewByUniqueMsgId() throws Exception {
        for (int i : PICKS) {
            String msgId = results.get(i).getMsgId();
            check("admin viewMessage(topic, uniqMsgId)", i, Clients.retry(() -> admin.viewMessage(TOPIC, msgId)));
            check("producer viewMessage(topic, uniqMsgId)", i, Clients.retry(() -> producer.viewMessage(TOPIC, msgId)));
        }
    }

    @Test
    void queryByKey() throws Exception {
        long end = System.currentTimeMillis() + 60_000;
        // the index is written after the message is stored; give it a moment, as for the Java broker
        for (int i : PICKS) {
            QueryResult q = Clients.retry(() -> producer.queryMessage(TOPIC, "qk-" + i, 32, begin, end));
            assertEquals(1, q.getMessageList().size(), "queryMessage(qk-" + i + "): " + q.getMessageList());
            check("queryMessage(qk-" + i + ")", i, q.getMessageList().get(0));
            QueryResult qa = admin.queryMessage(TOPIC, "qk-" + i, 32, begin, end);
            assertEquals(1, qa.getMessageList().size(), "admin queryMessage(qk-" + i + "): " + qa.getMessageList());
            check("admin queryMessage(qk-" + i + ")", i, qa.getMessageList().get(0));
        }
        QueryResult shared = Clients.retry(() -> {
            QueryResult q = producer.queryMessage(TOPIC, sharedKey, 64, begin, end);
            if (q.getMessageList().size() < 10) {
                throw new IllegalStateException("only " + q.getMessageList().size() + " messages of " + sharedKey);
            }
            return q;
        });
        Set<Integer> seqs = shared.getMessageList().stream().map(m -> Integer.parseInt(m.getUserProperty("u_seq")))
            .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(10, shared.getMessageList().size(), "messages of the shared key: " + seqs);
        assertEquals(new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)), seqs, "messages of the shared key");
        for (MessageExt m : shared.getMessageList()) {
            check("queryMessage(shared key)", Integer.parseInt(m.getUserProperty("u_seq")), m);
        }
        MQClientException e = assertThrows(MQClientException.class,
            () -> producer.queryMessage(TOPIC, "no-such-key-" + System.nanoTime(), 32, begin, end),
            "queryMessage of an unknown key");
        System.out.printf("[compat] queryMessage of an unknown key: %s%n", e.getMessage());
    }
}
