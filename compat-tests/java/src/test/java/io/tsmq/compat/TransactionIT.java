package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactions (issue 6), broker with {@code transactionCheckInterval=1000} and {@code transactionTimeOut=2000} so
 * the check-back comes within seconds. A TransactionMQProducer sends 5 messages whose local transaction commits, 5
 * that roll back and 5 that answer UNKNOW; asked back (CHECK_TRANSACTION_STATE), the producer commits the UNKNOW
 * ones. A push consumer must get exactly the 5 committed and the 5 checked-then-committed messages, each once, and
 * never a rolled-back one; the broker must have asked about every UNKNOW message.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class TransactionIT {
    static final String TOPIC = "CompatTransaction";
    static final int EACH = 5;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(TransactionIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address(),
            Map.of("transactionCheckInterval", "1000", "transactionTimeOut", "2000"));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 4);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void consumersSeeExactlyTheCommittedMessagesOnce() throws Exception {
        Map<String, AtomicInteger> consumed = new ConcurrentHashMap<>();
        DefaultMQPushConsumer c = Clients.pushConsumer("compat_tx_consumer_" + System.currentTimeMillis(),
            namesrv.address());
        c.subscribe(TOPIC, "*");
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                consumed.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();

        Map<String, AtomicInteger> checked = new ConcurrentHashMap<>();
        TransactionMQProducer p = new TransactionMQProducer("compat_tx_producer");
        p.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                String key = msg.getKeys();
                if (key.startsWith("tx-commit-")) {
                    return LocalTransactionState.COMMIT_MESSAGE;
                }
                if (key.startsWith("tx-rollback-")) {
                    return LocalTransactionState.ROLLBACK_MESSAGE;
                }
                return LocalTransactionState.UNKNOW;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                String key = msg.getKeys();
                checked.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (key.startsWith("tx-rollback-")) {
                    return LocalTransactionState.ROLLBACK_MESSAGE;
                }
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        Clients.started(p, namesrv.address());

        Set<String> expected = new TreeSet<>();
        Set<String> unknown = new TreeSet<>();
        Map<String, String> states = new TreeMap<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < EACH; i++) {
            for (String kind : new String[] {"commit", "rollback", "unknown"}) {
                String key = "tx-" + kind + "-" + i;
                Message m = new Message(TOPIC, "TagT", key, ("transaction " + key).getBytes(StandardCharsets.UTF_8));
                TransactionSendResult r = p.sendMessageInTransaction(m, null);
                assertEquals(SendStatus.SEND_OK, r.getSendStatus(), key + ": " + r);
                states.put(key, r.getLocalTransactionState().name());
                if (!kind.equals("rollback")) {
                    expected.add(key);
                }
                if (kind.equals("unknown")) {
                    unknown.add(key);
                }
            }
        }
        System.out.printf("[compat] local transaction states: %s%n", states);

        boolean all = Clients.await(Duration.ofSeconds(90), () -> consumed.keySet().containsAll(expected));
        long firstAll = Clients.ms(t0);
        ManagedProcess.sleep(6000); // several more check intervals: a duplicate or a rolled-back message would come now
        System.out.printf("[compat] transactions: all %d expected consumed after %d ms; checked back: %s%n",
            expected.size(), firstAll, new TreeMap<>(checked));
        Set<String> extra = new TreeSet<>(consumed.keySet());
        extra.removeAll(expected);
        assertTrue(extra.isEmpty(), "consumed messages whose transaction rolled back: " + extra);
        assertEquals(expected, new TreeSet<>(consumed.keySet()), "consumed");
        assertTrue(all);
        Map<String, Integer> dup = new TreeMap<>();
        consumed.forEach((k, v) -> {
            if (v.get() != 1) {
                dup.put(k, v.get());
            }
        });
        assertTrue(dup.isEmpty(), "consumed more than once: " + dup);
        assertTrue(checked.keySet().containsAll(unknown), "the broker checked back " + checked.keySet()
            + ", not every UNKNOW message " + unknown);
    }
}
