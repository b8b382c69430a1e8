package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario b: a Java broker registered with the name server under test T only. A DefaultMQProducer
 * (namesrvAddr=T) sends 1,000 messages synchronously; a DefaultMQPushConsumer (CLUSTERING, namesrvAddr=T) receives
 * every one of them. Everything the clients know about the broker comes from T's routes.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class ProduceConsumeViaNamesrvIT {
    static final String TOPIC = "CompatProduceConsume";
    static final String BROKER_NAME = "broker-pc";
    static final int COUNT = 1000;

    static ManagedProcess testNs;
    static ManagedProcess broker;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(ProduceConsumeViaNamesrvIT.class);
        testNs = Peers.startNamesrvUnderTest("namesrv-under-test");
        broker = Peers.startJavaBroker("broker", BROKER_NAME, testNs.address());
        DefaultMQAdminExt admin = Peers.admin(testNs.address());
        Peers.createTopic(admin, broker.address(), TOPIC);
        Peers.awaitRoute(admin, TOPIC, broker.address(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    void producerAndPushConsumerFindTheBrokerThroughTheNameServer() throws Exception {
        Map<String, String> received = new ConcurrentHashMap<>();
        AtomicInteger deliveries = new AtomicInteger();

        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("compat_pc_consumer");
        consumer.setNamesrvAddr(testNs.address());
        consumer.setInstanceName(Peers.uniqueInstanceName("compat-consumer"));
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        // MessageModel moved packages between 4.9 and 5.x; CLUSTERING is the default, check it by name
        assertEquals("CLUSTERING", consumer.getMessageModel().name());
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                deliveries.incrementAndGet();
                received.put(m.getKeys(), new String(m.getBody(), StandardCharsets.UTF_8));
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        Peers.closeAtEnd(consumer::shutdown);
        consumer.start();

        DefaultMQProducer producer = new DefaultMQProducer("compat_pc_producer");
        producer.setNamesrvAddr(testNs.address());
        producer.setInstanceName(Peers.uniqueInstanceName("compat-producer"));
        producer.setSendMsgTimeout(10_000);
        Peers.closeAtEnd(producer::shutdown);
        producer.start();

        long t0 = System.nanoTime();
        for (int i = 0; i < COUNT; i++) {
            Message msg = new Message(TOPIC, "TagA", "key-" + i, ("body-" + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = producer.send(msg);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send #" + i + ": " + r);
        }
        System.out.printf("[compat] sent %d messages in %d ms%n", COUNT, (System.nanoTime() - t0) / 1_000_000);

        long t1 = System.nanoTime();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (received.size() < COUNT && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(COUNT, received.size(), "distinct messages at the push consumer after 60 s");
        System.out.printf("[compat] consumer had all %d messages %d ms after the last send (%d deliveries)%n",
            COUNT, (System.nanoTime() - t1) / 1_000_000, deliveries.get());

        TreeSet<String> wrong = new TreeSet<>();
        for (int i = 0; i < COUNT; i++) {
            if (!("body-" + i).equals(received.get("key-" + i))) {
                wrong.add("key-" + i + "=" + received.get("key-" + i));
            }
        }
        assertTrue(wrong.isEmpty(), "missing or wrong bodies: " + wrong);
        assertEquals(COUNT, received.size(), "unexpected keys received");
    }
}
