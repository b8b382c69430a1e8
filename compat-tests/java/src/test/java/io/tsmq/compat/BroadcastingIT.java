package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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
 * Scenario 3: two DefaultMQPushConsumers of one group in BROADCASTING mode (offsets in a local file, no commit to
 * the broker) on a topic with 4 queues; 600 messages sent synchronously: each consumer must receive every one of
 * them (duplicates are reported). The broker sees both members in the group's connection list.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class BroadcastingIT {
    static final String TOPIC = "CompatBroadcasting";
    static final int COUNT = 600;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(BroadcastingIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address());
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 4);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void everyBroadcastingConsumerReceivesEveryMessage() throws Exception {
        // a new group each run: broadcasting offsets live in ${user.home}/.rocketmq_offsets/<clientId>/<group>
        String group = "compat_broadcast_" + System.currentTimeMillis();
        List<String> names = List.of("b1", "b2");
        Map<String, Map<String, AtomicInteger>> received = new ConcurrentHashMap<>();
        for (String name : names) {
            Map<String, AtomicInteger> mine = new ConcurrentHashMap<>();
            received.put(name, mine);
            DefaultMQPushConsumer c = Clients.pushConsumer(group, namesrv.address());
            Clients.setMessageModel(c, "BROADCASTING");
            assertEquals("BROADCASTING", Clients.messageModel(c));
            c.subscribe(TOPIC, "*");
            c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                for (MessageExt m : msgs) {
                    if (("body of " + m.getKeys()).equals(new String(m.getBody(), StandardCharsets.UTF_8))) {
                        mine.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
        }
        assertTrue(Clients.await(Duration.ofSeconds(30), () -> {
            try {
                return admin.examineConsumerConnectionInfo(group).getConnectionSet().size() == 2;
            } catch (Exception e) {
                return false;
            }
        }), "the broker lists both broadcasting consumers of " + group);

        DefaultMQProducer producer = Clients.producer("compat_broadcast_producer", namesrv.address());
        long t0 = System.nanoTime();
        for (int i = 0; i < COUNT; i++) {
            String key = "bc-" + i;
            SendResult r = producer.send(new Message(TOPIC, "TagA", key, ("body of " + key).getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), key + ": " + r);
        }
        boolean all = Clients.await(Duration.ofSeconds(60),
            () -> received.values().stream().allMatch(m -> m.size() == COUNT));
        ManagedProcess.sleep(2000);
        for (String name : names) {
            Map<String, AtomicInteger> mine = received.get(name);
            int dup = mine.values().stream().mapToInt(a -> a.get() - 1).sum();
            System.out.printf("[compat] %s received %d distinct of %d (%d duplicate deliveries) within %d ms%n", name,
                mine.size(), COUNT, dup, Clients.ms(t0));
        }
        for (String name : names) {
            Map<String, AtomicInteger> mine = received.get(name);
            TreeSet<String> missing = new TreeSet<>();
            for (int i = 0; i < COUNT && missing.size() < 20; i++) {
                if (!mine.containsKey("bc-" + i)) {
                    missing.add("bc-" + i);
                }
            }
            assertEquals(COUNT, mine.size(), name + " did not receive every message; missing e.g. " + missing);
        }
        assertTrue(all);
    }
}
