package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 2: three DefaultMQPushConsumers of one group (CLUSTERING) share a topic with 8 queues while a producer
 * streams 3,000 messages; after a third of them one consumer leaves (shutdown), after two thirds a fourth joins. Every
 * message must be consumed at least once (duplicates during rebalance are allowed and reported), and every member
 * that was in the group while messages flowed must have consumed some. Then the committed offsets must reach the end
 * of every queue (GET_CONSUME_STATS), the consumers stop, the broker is stopped with SIGTERM and started again on the
 * same store, 500 new messages are sent, and two fresh consumers of the group must consume all of them while
 * redelivering fewer than 5% of the 3,000 already consumed: consumption resumes from the committed offsets the broker
 * kept across the restart.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class PushClusteringIT {
    static final String TOPIC = "CompatPushClustering";
    static final int QUEUES = 8;
    static final int PHASE1 = 3000;
    static final int PHASE2 = 500;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    /** key -> deliveries, per phase; per consumer counts. */
    final Map<String, AtomicInteger> phase1 = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> phase2 = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> perConsumer = new ConcurrentHashMap<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    volatile int phase = 1;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(PushClusteringIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address());
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, QUEUES);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    DefaultMQPushConsumer startConsumer(String group, String name) throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(group, namesrv.address());
        c.subscribe(TOPIC, "*");
        perConsumer.put(name, new AtomicInteger());
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                String key = m.getKeys();
                String body = new String(m.getBody(), StandardCharsets.UTF_8);
                if (key == null || !body.equals("body of " + key)) {
                    problems.add(name + " got key " + key + " body '" + body + "'");
                    continue;
                }
                perConsumer.get(name).incrementAndGet();
                (phase == 1 ? phase1 : phase2).computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    static void send(DefaultMQProducer producer, String key) throws Exception {
        Message m = new Message(TOPIC, "TagA", key, ("body of " + key).getBytes(StandardCharsets.UTF_8));
        SendResult r = producer.send(m);
        assertEquals(SendStatus.SEND_OK, r.getSendStatus(), key + ": " + r);
    }

    static int connections(String group) {
        try {
            return admin.examineConsumerConnectionInfo(group).getConnectionSet().size();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Per queue of TOPIC: "brokerOffset/consumerOffset" from GET_CONSUME_STATS. */
    static Map<Integer, String> consumeStats(String group) throws Exception {
        Map<Integer, String> out = new TreeMap<>();
        admin.examineConsumeStats(group).getOffsetTable().forEach((mq, w) -> {
            if (mq.getTopic().equals(TOPIC)) {
                out.put(mq.getQueueId(), w.getBrokerOffset() + "/" + w.getConsumerOffset());
            }
        });
        return out;
    }

    static boolean allCommitted(Map<Integer, String> stats) {
        if (stats.size() != QUEUES) {
            return false;
        }
        for (String s : stats.values()) {
            String[] p = s.split("/");
            if (!p[0].equals(p[1])) {
                return false;
            }
        }
        return true;
    }

    @Test
    void membersLeaveAndJoinWhileProducingThenBrokerRestartsAndConsumptionResumes() throws Exception {
        String group = "compat_clustering_" + System.currentTimeMillis();
        DefaultMQProducer producer = Clients.producer("compat_clustering_producer", namesrv.address());

        // ------------------------------------------------------------------ phase 1: members leave and join
        DefaultMQPushConsumer c1 = startConsumer(group, "c1");
        DefaultMQPushConsumer c2 = startConsumer(group, "c2");
        DefaultMQPushConsumer c3 = startConsumer(group, "c3");
        assertTrue(Clients.await(Duration.ofSeconds(30), () -> connections(group) == 3),
            "the broker lists 3 consumers of " + group + " (GET_CONSUMER_CONNECTION_LIST): " + connections(group));
        DefaultMQPushConsumer c4 = null;
        int c2Before = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < PHASE1; i++) {
            if (i == PHASE1 / 3) {
                c2.shutdown(); // persists its offsets, UNREGISTER_CLIENT
                c2Before = perConsumer.get("c2").get();
                System.out.printf("[compat] c2 left after %d messages sent (%d ms), it had consumed %d%n", i,
                    Clients.ms(t0), c2Before);
            } else if (i == 2 * PHASE1 / 3) {
                c4 = startConsumer(group, "c4");
                System.out.printf("[compat] c4 joined after %d messages sent (%d ms)%n", i, Clients.ms(t0));
            }
            send(producer, "p1-" + i);
            Thread.sleep(4);
        }
        long sendMs = Clients.ms(t0);
        boolean all = Clients.await(Duration.ofSeconds(90), () -> phase1.size() == PHASE1);
        ManagedProcess.sleep(2000);
        int dup = phase1.values().stream().mapToInt(a -> a.get() - 1).sum();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < PHASE1 && missing.size() < 30; i++) {
            if (!phase1.containsKey("p1-" + i)) {
                missing.add("p1-" + i);
            }
        }
        System.out.printf("[compat] phase 1: sent %d in %d ms; consumed %d distinct, %d duplicate deliveries "
                + "(%.2f%%); per consumer %s%n", PHASE1, sendMs, phase1.size(), dup, 100.0 * dup / PHASE1,
            new TreeMap<>(perConsumer));
        assertTrue(problems.isEmpty(), "wrong messages: " + problems.subList(0, Math.min(10, problems.size())));
        assertTrue(all, (PHASE1 - phase1.size()) + " messages lost in phase 1, first: " + missing);
        assertTrue(c2Before > 0, "c2 consumed nothing before it left");
        for (String c : List.of("c1", "c3", "c4")) {
            assertTrue(perConsumer.get(c).get() > 0, c + " consumed nothing: " + perConsumer);
        }
        assertEquals(3, connections(group), "consumers of the group listed by the broker after c2 left and c4 joined");

        // the consumers commit every 5 s (UPDATE_CONSUMER_OFFSET) and with each pull
        long t1 = System.nanoTime();
        boolean committed = Clients.await(Duration.ofSeconds(30), () -> {
            try {
                return allCommitted(consumeStats(group));
            } catch (Exception e) {
                return false;
            }
        });
        Map<Integer, String> before = consumeStats(group);
        System.out.printf("[compat] consume stats (queue=brokerOffset/consumerOffset) after %d ms: %s%n",
            Clients.ms(t1), before);
        assertTrue(committed, "committed offsets did not reach the end of every queue within 30 s: " + before);

        // ------------------------------------------------------------------ restart the broker
        c1.shutdown();
        c3.shutdown();
        c4.shutdown();
        int exit = broker.stopGracefully(Duration.ofSeconds(60));
        assertTrue(!broker.process().isAlive(), "broker still running after SIGTERM");
        System.out.printf("[compat] broker exit code after SIGTERM: %d%n", exit);
        broker.restart();
        Peers.awaitRoute(admin, TOPIC, broker.address(), Duration.ofSeconds(30));
        Map<Integer, String> after = consumeStats(group);
        System.out.printf("[compat] consume stats after the restart: %s%n", after);

        // ------------------------------------------------------------------ phase 2: resume from committed offsets
        phase = 2;
        long t2 = System.nanoTime();
        for (int i = 0; i < PHASE2; i++) {
            send(producer, "p2-" + i);
        }
        startConsumer(group, "c5");
        startConsumer(group, "c6");
        boolean all2 = Clients.await(Duration.ofSeconds(90), () -> countPrefix(phase2, "p2-") == PHASE2);
        ManagedProcess.sleep(3000);
        int redelivered = countPrefix(phase2, "p1-");
        System.out.printf("[compat] phase 2: %d of %d new messages consumed in %d ms; %d of the %d phase-1 messages "
                + "redelivered (%.2f%%); per consumer %s%n", countPrefix(phase2, "p2-"), PHASE2, Clients.ms(t2),
            redelivered, PHASE1, 100.0 * redelivered / PHASE1, new TreeMap<>(perConsumer));
        assertTrue(problems.isEmpty(), "wrong messages: " + problems.subList(0, Math.min(10, problems.size())));
        assertTrue(all2, (PHASE2 - countPrefix(phase2, "p2-")) + " new messages not consumed after the restart");
        assertTrue(redelivered < PHASE1 * 5 / 100, redelivered + " of " + PHASE1
            + " already consumed messages were redelivered after the restart (limit 5%); consume stats before the "
            + "restart " + before + ", after " + after);
    }

    static int countPrefix(Map<String, AtomicInteger> m, String prefix) {
        return (int) m.keySet().stream().filter(k -> k.startsWith(prefix)).count();
    }
}
