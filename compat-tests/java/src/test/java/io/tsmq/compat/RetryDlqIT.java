package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
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
 * Retry and dead letters (issue 6). The broker runs with {@code messageDelayLevel=1s 2s 3s ... 18s} (level n = n
 * seconds) so the levels are visible in seconds rather than minutes. A push consumer group with maxReconsumeTimes 3
 * answers RECONSUME_LATER to every delivery of 3 messages: each must come back with reconsumeTimes 1, 2, 3 after the
 * delays of levels 3, 4 and 5 (3 + reconsumeTimes: 3 s, 4 s, 5 s, measured from the listener's answer), with its
 * original topic, msgId, keys and body; after the 4th failure it goes to {@code %DLQ%<group>} and is never delivered
 * again. A pull consumer then reads the 3 messages from the dead letter queue, with reconsumeTimes 4 and the original
 * topic and message id in their properties.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class RetryDlqIT {
    static final String TOPIC = "CompatRetry";
    static final int COUNT = 3;
    static final int MAX_RECONSUME = 3;
    static final String LEVELS = "1s 2s 3s 4s 5s 6s 7s 8s 9s 10s 11s 12s 13s 14s 15s 16s 17s 18s";

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(RetryDlqIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address(), Map.of("messageDelayLevel", LEVELS));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 2);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    record Delivery(int reconsumeTimes, long arrivedNanos, long answeredNanos, String topic, String msgId, String body) {
    }

    @Test
    @SuppressWarnings("deprecation")
    void reconsumeLaterWalksTheLevelsThenTheDeadLetterQueue() throws Exception {
        String group = "compat_retry_" + System.currentTimeMillis();
        Map<String, List<Delivery>> byKey = new ConcurrentHashMap<>();
        List<String> problems = new CopyOnWriteArrayList<>();

        // The group's retry topic exists before the consumer starts, as it does for any group that ran before: a
        // consumer learns the route of %RETRY%<group> when it starts, and only every 30 s after that (the broker
        // creates the topic at the first heartbeat, just after the consumer asked for its route), so without this the
        // first redelivery would wait for the client's next route poll rather than for the broker's delay level.
        Clients.createTopic(admin, broker, "%RETRY%" + group, 1);
        DefaultMQPushConsumer c = Clients.pushConsumer(group, namesrv.address());
        c.subscribe(TOPIC, "*");
        c.setMaxReconsumeTimes(MAX_RECONSUME);
        c.setConsumeMessageBatchMaxSize(1);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            long now = System.nanoTime();
            for (MessageExt m : msgs) {
                if (m.getKeys() == null || !m.getKeys().startsWith("rt-")) {
                    problems.add("unexpected message " + m);
                    continue;
                }
                byKey.computeIfAbsent(m.getKeys(), k -> new CopyOnWriteArrayList<>()).add(new Delivery(
                    m.getReconsumeTimes(), now, System.nanoTime(), m.getTopic(), m.getMsgId(),
                    new String(m.getBody(), StandardCharsets.UTF_8)));
            }
            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
        });
        c.start();

        DefaultMQProducer producer = Clients.producer("compat_retry_producer", namesrv.address());
        Map<String, String> msgIds = new TreeMap<>();
        for (int i = 0; i < COUNT; i++) {
            String key = "rt-" + i;
            SendResult r = producer.send(new Message(TOPIC, "TagR", key, ("retry body " + i).getBytes(StandardCharsets.UTF_8)));
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), key + ": " + r);
            msgIds.put(key, r.getMsgId());
        }

        // 3 + 4 + 5 s of delays plus delivery: ~15 s; wait for the 4th delivery of each, then a while for extras.
        boolean allFour = Clients.await(Duration.ofSeconds(90), () -> byKey.size() == COUNT
            && byKey.values().stream().allMatch(l -> l.size() >= MAX_RECONSUME + 1));
        ManagedProcess.sleep(8000); // a 5th delivery would come 6 s after the 4th
        assertTrue(problems.isEmpty(), "problems: " + problems);
        assertTrue(allFour, "deliveries per key: " + summary(byKey));

        for (int i = 0; i < COUNT; i++) {
            String key = "rt-" + i;
            List<Delivery> ds = byKey.get(key);
            List<Integer> times = new ArrayList<>();
            ds.forEach(d -> times.add(d.reconsumeTimes()));
            assertEquals(List.of(0, 1, 2, 3), times, key + ": reconsumeTimes of the deliveries");
            for (int k = 0; k < ds.size(); k++) {
                Delivery d = ds.get(k);
                assertEquals(TOPIC, d.topic(), key + " delivery " + k + ": topic");
                assertEquals(msgIds.get(key), d.msgId(), key + " delivery " + k + ": msgId");
                assertEquals("retry body " + i, d.body(), key + " delivery " + k + ": body");
                if (k > 0) {
                    long gapMs = (d.arrivedNanos() - ds.get(k - 1).answeredNanos()) / 1_000_000;
                    long levelMs = (3 + (k - 1)) * 1000L;
                    System.out.printf("[compat] %s: delivery %d (reconsumeTimes %d) %d ms after the previous "
                        + "RECONSUME_LATER (level %d = %d ms)%n", key, k, d.reconsumeTimes(), gapMs, 3 + k - 1, levelMs);
                    assertTrue(gapMs >= levelMs - 50, key + " delivery " + k + " came after " + gapMs
                        + " ms, sooner than level " + (3 + k - 1));
                    assertTrue(gapMs <= levelMs + 4000, key + " delivery " + k + " came after " + gapMs
                        + " ms, much later than level " + (3 + k - 1));
                }
            }
        }

        // The dead letter queue: one queue, readable by a consumer.
        String dlq = "%DLQ%" + group;
        DefaultMQPullConsumer puller = Clients.pullConsumer("compat_dlq_reader_" + System.currentTimeMillis(),
            namesrv.address());
        MessageQueue mq = new MessageQueue(dlq, broker.brokerName(), 0);
        List<MessageExt> dead = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long offset = 0;
        while (dead.size() < COUNT && System.nanoTime() < deadline) {
            try {
                PullResult pr = puller.pull(mq, "*", offset, 32);
                if (pr.getPullStatus() == PullStatus.FOUND) {
                    dead.addAll(pr.getMsgFoundList());
                }
                offset = pr.getNextBeginOffset();
            } catch (Exception e) {
                System.out.printf("[compat] pull from %s: %s (retrying)%n", dlq, e);
            }
            if (dead.size() < COUNT) {
                ManagedProcess.sleep(300);
            }
        }
        Map<String, MessageExt> deadByKey = new TreeMap<>();
        for (MessageExt m : dead) {
            deadByKey.put(m.getKeys(), m);
        }
        assertEquals(msgIds.keySet(), deadByKey.keySet(), "keys in " + dlq);
        assertEquals(COUNT, dead.size(), "messages in " + dlq);
        for (Map.Entry<String, MessageExt> e : deadByKey.entrySet()) {
            MessageExt m = e.getValue();
            assertEquals(dlq, m.getTopic(), e.getKey() + ": topic as stored");
            assertEquals(MAX_RECONSUME + 1, m.getReconsumeTimes(), e.getKey() + ": reconsumeTimes in the DLQ");
            assertEquals(TOPIC, m.getProperty("RETRY_TOPIC"), e.getKey() + ": RETRY_TOPIC");
            assertEquals(msgIds.get(e.getKey()), m.getMsgId(), e.getKey() + ": msgId (UNIQ_KEY) kept");
            assertTrue(m.getProperty("ORIGIN_MESSAGE_ID") != null && !m.getProperty("ORIGIN_MESSAGE_ID").isEmpty(),
                e.getKey() + ": ORIGIN_MESSAGE_ID");
            assertEquals("retry body " + e.getKey().substring(3), new String(m.getBody(), StandardCharsets.UTF_8));
        }
        System.out.printf("[compat] %s holds %s%n", dlq, deadByKey.keySet());
    }

    static String summary(Map<String, List<Delivery>> byKey) {
        Map<String, List<Integer>> s = new TreeMap<>();
        byKey.forEach((k, v) -> s.put(k, v.stream().map(Delivery::reconsumeTimes).toList()));
        return s.toString();
    }
}
