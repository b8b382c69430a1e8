package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * SQL92 filters (issue 6), broker with {@code enablePropertyFilter=true}. 60 messages with user properties
 * {@code a} = i mod 5, {@code b} = "b" + i when i mod 3 is not 0 (missing otherwise), {@code name} = x, y, z, w by
 * i mod 4, and {@code c} = (i mod 7) * 0.5 as a decimal string.
 * <ul>
 *   <li>For each expression, a push consumer group subscribed with {@code MessageSelector.bySql} receives exactly
 *       the messages the expression selects (computed here by plain Java predicates).</li>
 *   <li>The broker does the filtering: the client does not filter SQL92 subscriptions itself, so pulls with a
 *       selector (DefaultMQPullConsumer) returning only and all matching messages show the broker dropped the
 *       others before they crossed the network.</li>
 *   <li>A malformed expression is refused: the push consumer's start fails on CHECK_CLIENT_CONFIG with the broker's
 *       SUBSCRIPTION_PARSE_FAILED (23).</li>
 * </ul>
 */
@ExtendWith(Peers.DumpOnFailure.class)
class Sql92IT {
    static final String TOPIC = "CompatSql92";
    static final String TOPIC_ONE_QUEUE = "CompatSql92OneQueue";
    static final int COUNT = 60;
    static final String[] NAMES = {"x", "y", "z", "w"};

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;

    /** Expression -> which i it selects. */
    static final Map<String, IntPredicate> CASES = new LinkedHashMap<>();

    static {
        CASES.put("a BETWEEN 1 AND 3 AND b IS NOT NULL", i -> a(i) >= 1 && a(i) <= 3 && hasB(i));
        CASES.put("name IN ('x','y')", i -> name(i).equals("x") || name(i).equals("y"));
        CASES.put("NOT (c > 1.5)", i -> c(i) <= 1.5);
        CASES.put("a = 4 OR name = 'z'", i -> a(i) == 4 || name(i).equals("z"));
        CASES.put("b IS NULL AND a <> 0", i -> !hasB(i) && a(i) != 0);
        CASES.put("a NOT BETWEEN 1 AND 3", i -> a(i) < 1 || a(i) > 3);
        CASES.put("name = 'w' AND c >= 2.0 AND TAGS = 'TagS'", i -> name(i).equals("w") && c(i) >= 2.0);
        CASES.put("(a > 2 OR c < 1.0) AND NOT (name IN ('y', 'z'))",
            i -> (a(i) > 2 || c(i) < 1.0) && !(name(i).equals("y") || name(i).equals("z")));
    }

    static int a(int i) {
        return i % 5;
    }

    static boolean hasB(int i) {
        return i % 3 != 0;
    }

    static String name(int i) {
        return NAMES[i % 4];
    }

    static double c(int i) {
        return (i % 7) * 0.5;
    }

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(Sql92IT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address(), Map.of("enablePropertyFilter", "true"));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 4);
        Clients.createTopic(admin, broker, TOPIC_ONE_QUEUE, 1);
        producer = Clients.producer("compat_sql_producer", namesrv.address());
        for (String topic : new String[] {TOPIC, TOPIC_ONE_QUEUE}) {
            for (int i = 0; i < COUNT; i++) {
                Message m = new Message(topic, "TagS", "sq-" + i, ("sql body " + i).getBytes(StandardCharsets.UTF_8));
                m.putUserProperty("a", Integer.toString(a(i)));
                if (hasB(i)) {
                    m.putUserProperty("b", "b" + i);
                }
                m.putUserProperty("name", name(i));
                m.putUserProperty("c", Double.toString(c(i)));
                SendResult r = producer.send(m);
                assertEquals(SendStatus.SEND_OK, r.getSendStatus(), topic + " " + i + ": " + r);
            }
        }
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    static Set<String> expectedKeys(IntPredicate p) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < COUNT; i++) {
            if (p.test(i)) {
                s.add("sq-" + i);
            }
        }
        return s;
    }

    @Test
    void pushConsumersReceiveExactlyTheMatchingMessages() throws Exception {
        long ts = System.currentTimeMillis();
        Map<String, Map<String, AtomicInteger>> got = new LinkedHashMap<>();
        int n = 0;
        for (String expr : CASES.keySet()) {
            Map<String, AtomicInteger> keys = new ConcurrentHashMap<>();
            got.put(expr, keys);
            DefaultMQPushConsumer c = Clients.pushConsumer("compat_sql_" + (n++) + "_" + ts, namesrv.address());
            c.subscribe(TOPIC, MessageSelector.bySql(expr));
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    keys.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
        }
        boolean done = Clients.await(Duration.ofSeconds(60), () -> CASES.entrySet().stream()
            .allMatch(e -> got.get(e.getKey()).keySet().containsAll(expectedKeys(e.getValue()))));
        ManagedProcess.sleep(3000); // anything that should not come would come now
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, IntPredicate> e : CASES.entrySet()) {
            Set<String> expected = expectedKeys(e.getValue());
            Set<String> actual = new TreeSet<>(got.get(e.getKey()).keySet());
            System.out.printf("[compat] SQL92 %-55s expected %2d, received %2d%n", e.getKey(), expected.size(),
                actual.size());
            if (!expected.equals(actual)) {
                Set<String> extra = new TreeSet<>(actual);
                extra.removeAll(expected);
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(actual);
                wrong.add(e.getKey() + ": extra " + extra + ", missing " + missing);
            }
            assertTrue(!expected.isEmpty() && expected.size() < COUNT, "a case that selects some, not all: " + e.getKey());
        }
        assertTrue(wrong.isEmpty(), "wrong deliveries: " + wrong);
        assertTrue(done);
    }

    @Test
    @SuppressWarnings("deprecation")
    void theBrokerFiltersPulls() throws Exception {
        DefaultMQPullConsumer puller = Clients.pullConsumer("compat_sql_puller_" + System.currentTimeMillis(),
            namesrv.address());
        MessageQueue mq = new MessageQueue(TOPIC_ONE_QUEUE, broker.brokerName(), 0);
        // The client refuses SQL92 pulls ("does not upgrade to support for filter message by SQL92") until it knows
        // the broker's version, which it learns from a heartbeat response; its first heartbeat (1 s after start) found
        // no broker yet, the next comes 30 s later. A tag pull makes it learn the route; then heartbeats until the
        // client accepts the selector (with the Java broker too).
        puller.pull(mq, "*", 0, 1);
        long versionDeadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (true) {
            Clients.heartbeat(puller);
            try {
                puller.pull(mq, MessageSelector.bySql("a IS NOT NULL"), 0, 1);
                break;
            } catch (MQClientException e) {
                if (System.nanoTime() > versionDeadline || e.getMessage() == null
                    || !e.getMessage().contains("does not upgrade")) {
                    throw e;
                }
                ManagedProcess.sleep(1000);
            }
        }
        for (Map.Entry<String, IntPredicate> e : CASES.entrySet()) {
            Set<String> expected = expectedKeys(e.getValue());
            List<String> pulled = new ArrayList<>();
            long offset = 0;
            int pulls = 0;
            while (offset < COUNT && pulls++ < 100) {
                PullResult pr = puller.pull(mq, MessageSelector.bySql(e.getKey()), offset, 8);
                if (pr.getPullStatus() == PullStatus.FOUND) {
                    for (MessageExt m : pr.getMsgFoundList()) {
                        pulled.add(m.getKeys());
                        int i = Integer.parseInt(m.getKeys().substring(3));
                        assertTrue(e.getValue().test(i), e.getKey() + ": the broker sent " + m.getKeys()
                            + " (a=" + m.getUserProperty("a") + ", b=" + m.getUserProperty("b") + ", name="
                            + m.getUserProperty("name") + ", c=" + m.getUserProperty("c") + ")");
                    }
                } else if (pr.getPullStatus() == PullStatus.NO_NEW_MSG) {
                    break;
                }
                assertTrue(pr.getNextBeginOffset() > offset || pr.getPullStatus() == PullStatus.NO_NEW_MSG,
                    e.getKey() + ": no progress at offset " + offset + ": " + pr);
                offset = pr.getNextBeginOffset();
            }
            assertEquals(expected, new TreeSet<>(pulled), e.getKey() + ": pulled");
            assertEquals(expected.size(), pulled.size(), e.getKey() + ": pulled once each");
        }
    }

    @Test
    void aMalformedExpressionIsRefused() throws Exception {
        for (String bad : new String[] {"a > ", "a BETWEEN 3 AND", "name IN ()", "a = NULL"}) {
            DefaultMQPushConsumer c = Clients.pushConsumer("compat_sql_bad_" + System.nanoTime(), namesrv.address());
            c.subscribe(TOPIC, MessageSelector.bySql(bad));
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> ConsumeConcurrentlyStatus.CONSUME_SUCCESS);
            try {
                c.start();
                fail("start() with the malformed expression \"" + bad + "\" succeeded");
            } catch (MQClientException e) {
                MQClientException withCode = null;
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof MQClientException && ((MQClientException) t).getResponseCode() != -1) {
                        withCode = (MQClientException) t;
                        break;
                    }
                }
                assertNotNull(withCode, "\"" + bad + "\": no broker response code in " + e);
                System.out.printf("[compat] SQL92 \"%s\" refused: code %d, %s%n", bad, withCode.getResponseCode(),
                    withCode.getErrorMessage());
                assertEquals(23, withCode.getResponseCode(), "\"" + bad + "\": response code (SUBSCRIPTION_PARSE_FAILED)");
            } finally {
                c.shutdown();
            }
        }
    }
}
