package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario r: the scenarios a running cluster can take, whoever runs it. With {@code -Dcompat.cluster=host:port}
 * (compat-tests/run.sh --cluster, the harness image's COMPAT_NAMESRV) the class starts nothing: it finds a master
 * broker through that name server and uses topics and groups named after this run, client version and header
 * serialization, so runs never see each other's messages. Without it, the class starts its own tsmq name server and
 * broker, so the same checks run in every CI build.
 * <ul>
 *   <li>every send kind (sync, async, oneway, batch, ordered) reaches a push consumer, each message exactly once;</li>
 *   <li>a tag subscription gets exactly its tags;</li>
 *   <li>messages are found by unique id and by key;</li>
 *   <li>a consumer sees committed transactional messages and never rolled-back ones;</li>
 *   <li>the store survives a broker restart: {@code compat.phase=write} sends 200 keyed messages, {@code verify} reads
 *       them all back from offset 0, {@code all} (the default) does both, restarting the broker in between when the
 *       class started it.</li>
 * </ul>
 */
@ExtendWith(Peers.DumpOnFailure.class)
class ExternalClusterIT {
    static final String CLUSTER_ADDR = System.getProperty("compat.cluster", "").trim();
    static final String PHASE = System.getProperty("compat.phase", "all").trim();
    /** Names topics and groups: run id (given, so write and verify runs agree), client version, serialization. */
    static final String RUN = System.getProperty("compat.run", Long.toString(System.currentTimeMillis(), 36));
    static final String PREFIX = "cc_" + RUN + "_" + Peers.VERSION.replace('.', '_') + "_" + Peers.SERIALIZE_TYPE.toLowerCase();
    static final int RESTART_COUNT = 200;

    static String namesrvAddr;
    static String brokerName;
    static String brokerAddr;
    static BrokerUnderTest ownBroker;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;

    @BeforeAll
    static void connect() throws Exception {
        Peers.beginClass(ExternalClusterIT.class);
        if (CLUSTER_ADDR.isEmpty()) {
            ManagedProcess ns = Peers.startNamesrvUnderTest("namesrv");
            namesrvAddr = ns.address();
            ownBroker = BrokerUnderTest.start("broker-a", namesrvAddr);
        } else {
            namesrvAddr = CLUSTER_ADDR;
        }
        admin = Peers.admin(namesrvAddr);
        findMasterBroker();
        System.out.printf("[compat] ExternalClusterIT: name server %s (%s), broker %s at %s, names %s*, phase %s%n",
            namesrvAddr, CLUSTER_ADDR.isEmpty() ? "started here" : "given", brokerName, brokerAddr, PREFIX, PHASE);
        producer = Clients.producer(PREFIX + "_producer", namesrvAddr);
    }

    @AfterAll
    static void disconnect() {
        Peers.endClass();
    }

    /** The first broker name with a master (id 0) in the name server's cluster table. */
    static void findMasterBroker() throws Exception {
        Peers.waitUntil("a master broker registered with " + namesrvAddr, Duration.ofSeconds(60), () -> {
            var info = admin.examineBrokerClusterInfo();
            for (var e : new java.util.TreeMap<>(info.getBrokerAddrTable()).entrySet()) {
                String addr = e.getValue().getBrokerAddrs().get(0L);
                if (addr != null) {
                    brokerName = e.getKey();
                    brokerAddr = addr;
                    return true;
                }
            }
            return false;
        });
    }

    static String topic(String what, int queues) throws Exception {
        String t = PREFIX + "_" + what;
        admin.createAndUpdateTopicConfig(brokerAddr, new TopicConfig(t, queues, queues, 6));
        Peers.awaitRoute(admin, t, brokerAddr, Duration.ofSeconds(30));
        return t;
    }

    static Message message(String topic, String tag, String key) {
        return new Message(topic, tag, key, ("body of " + key).getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a push consumer of a new group on `topic` with `expression`; keys consumed, with their counts. */
    static Map<String, AtomicInteger> consume(String topic, String expression, String groupSuffix) throws Exception {
        Map<String, AtomicInteger> got = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = Clients.pushConsumer(PREFIX + "_" + groupSuffix, namesrvAddr);
        c.subscribe(topic, expression);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String expected = "body of " + m.getKeys();
                if (expected.equals(new String(m.getBody(), StandardCharsets.UTF_8))) {
                    got.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                } else {
                    got.computeIfAbsent("BAD BODY " + m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return got;
    }

    static void awaitKeys(Map<String, AtomicInteger> got, Set<String> expected, String what) {
        boolean all = Clients.await(Duration.ofSeconds(60), () -> got.keySet().containsAll(expected));
        assertTrue(all, what + ": missing " + missing(expected, got.keySet()));
        Clients.await(Duration.ofSeconds(2), () -> false); // late duplicates or strays would show now
        assertEquals(new TreeSet<>(expected), new TreeSet<>(got.keySet()), what + ": consumed keys");
        for (var e : got.entrySet()) {
            assertEquals(1, e.getValue().get(), what + ": deliveries of " + e.getKey());
        }
    }

    static Set<String> missing(Set<String> expected, Set<String> got) {
        Set<String> m = new TreeSet<>(expected);
        m.removeAll(got);
        return m;
    }

    @Test
    void everySendKindReachesAPushConsumerOnce() throws Exception {
        String t = topic("kinds", 4);
        Map<String, AtomicInteger> got = consume(t, "*", "kinds");
        Set<String> keys = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            String k = "sync-" + i;
            keys.add(k);
            assertEquals(SendStatus.SEND_OK, producer.send(message(t, "T", k)).getSendStatus(), k);
        }
        CountDownLatch acked = new CountDownLatch(20);
        List<String> asyncErrors = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = "async-" + i;
            keys.add(k);
            producer.send(message(t, "T", k), new SendCallback() {
                @Override
                public void onSuccess(SendResult r) {
                    acked.countDown();
                }

                @Override
                public void onException(Throwable e) {
                    synchronized (asyncErrors) {
                        asyncErrors.add(k + ": " + e);
                    }
                    acked.countDown();
                }
            });
        }
        assertTrue(acked.await(60, TimeUnit.SECONDS), "async sends answered");
        assertTrue(asyncErrors.isEmpty(), "async send errors: " + asyncErrors);
        for (int i = 0; i < 20; i++) {
            String k = "oneway-" + i;
            keys.add(k);
            producer.sendOneway(message(t, "T", k));
        }
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = "batch-" + i;
            keys.add(k);
            batch.add(message(t, "T", k));
        }
        assertEquals(SendStatus.SEND_OK, producer.send(batch).getSendStatus(), "batch");
        for (int i = 0; i < 20; i++) {
            String k = "ordered-" + i;
            keys.add(k);
            SendResult r = producer.send(message(t, "T", k), (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()), i);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), k);
        }
        awaitKeys(got, keys, "every send kind");
    }

    @Test
    void aTagSubscriptionGetsExactlyItsTags() throws Exception {
        String t = topic("tags", 2);
        Map<String, AtomicInteger> got = consume(t, "TagA || TagB", "tags");
        Set<String> expected = new TreeSet<>();
        String[] tags = {"TagA", "TagB", "TagC"};
        for (int i = 0; i < 30; i++) {
            String tag = tags[i % 3];
            String k = tag + "-" + i;
            if (!tag.equals("TagC")) expected.add(k);
            assertEquals(SendStatus.SEND_OK, producer.send(message(t, tag, k)).getSendStatus(), k);
        }
        awaitKeys(got, expected, "TagA || TagB");
    }

    @Test
    void messagesAreFoundByIdAndKey() throws Exception {
        String t = topic("query", 2);
        long begin = System.currentTimeMillis() - 60_000;
        Map<String, String> idByKey = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            String k = PREFIX + "-qk-" + i;
            SendResult r = producer.send(message(t, "Q", k));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), k);
            idByKey.put(k, r.getMsgId());
        }
        for (var e : idByKey.entrySet()) {
            MessageExt m = admin.viewMessage(t, e.getValue());
            assertNotNull(m, "viewMessage " + e.getValue());
            assertEquals(e.getKey(), m.getKeys(), "message of id " + e.getValue());
        }
        String key = PREFIX + "-qk-3";
        assertTrue(Clients.await(Duration.ofSeconds(10), () -> {
            try {
                return admin.queryMessage(t, key, 32, begin, System.currentTimeMillis() + 60_000).getMessageList().size() == 1;
            } catch (Exception e) {
                return false;
            }
        }), "queryMessage by key " + key + " finds exactly one message");
    }

    @Test
    void consumersSeeCommittedTransactionsOnly() throws Exception {
        String t = topic("tx", 2);
        Map<String, AtomicInteger> got = consume(t, "*", "tx");
        TransactionMQProducer p = new TransactionMQProducer(PREFIX + "_tx_producer");
        p.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return msg.getKeys().startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return msg.getKeys().startsWith("commit") ? LocalTransactionState.COMMIT_MESSAGE : LocalTransactionState.ROLLBACK_MESSAGE;
            }
        });
        Clients.started(p, namesrvAddr);
        Set<String> committed = new TreeSet<>();
        for (int i = 0; i < 10; i++) {
            String k = (i % 2 == 0 ? "commit-" : "rollback-") + i;
            if (i % 2 == 0) committed.add(k);
            TransactionSendResult r = p.sendMessageInTransaction(message(t, "X", k), null);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), k);
        }
        awaitKeys(got, committed, "committed transactions");
    }

    @Test
    @SuppressWarnings("deprecation")
    void theStoreSurvivesARestart() throws Exception {
        String t = PREFIX + "_restart";
        if (!PHASE.equals("verify")) {
            topic("restart", 4);
            for (int i = 0; i < RESTART_COUNT; i++) {
                String k = "rs-" + i;
                assertEquals(SendStatus.SEND_OK, producer.send(message(t, "R", k)).getSendStatus(), k);
            }
            System.out.printf("[compat] ExternalClusterIT: %d messages written to %s%n", RESTART_COUNT, t);
        }
        if (PHASE.equals("write")) return;
        if (PHASE.equals("all") && ownBroker != null) {
            assertEquals(0, ownBroker.stopGracefully(Duration.ofSeconds(30)), "broker exit status after SIGTERM");
            ownBroker.restart();
            findMasterBroker();
        }
        Peers.awaitRoute(admin, t, brokerAddr, Duration.ofSeconds(60));
        DefaultMQPullConsumer reader = Clients.pullConsumer(PREFIX + "_restart_reader_" + System.nanoTime(), namesrvAddr);
        Set<MessageQueue> mqs = reader.fetchSubscribeMessageQueues(t);
        assertFalse(mqs.isEmpty(), "queues of " + t);
        Map<String, Integer> seen = new HashMap<>();
        for (MessageQueue mq : mqs) {
            long offset = 0;
            while (true) {
                PullResult r = reader.pull(mq, "*", offset, 32);
                if (r.getPullStatus() != PullStatus.FOUND) break;
                for (MessageExt m : r.getMsgFoundList()) {
                    assertEquals("body of " + m.getKeys(), new String(m.getBody(), StandardCharsets.UTF_8), "body of " + m.getKeys());
                    seen.merge(m.getKeys(), 1, Integer::sum);
                }
                offset = r.getNextBeginOffset();
            }
        }
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < RESTART_COUNT; i++) expected.add("rs-" + i);
        assertEquals(expected, new TreeSet<>(seen.keySet()), "keys read back after the restart");
        for (var e : seen.entrySet()) assertEquals(1, e.getValue(), "copies of " + e.getKey());
    }
}
