package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Scenario 4: tag filtering.
 * <ul>
 *   <li>Two push consumer groups on one topic, one subscribed to {@code TagA || TagB}, one to {@code *}; 400
 *       messages tagged TagA, TagB, TagC and untagged in turn. The first group gets exactly the TagA and TagB
 *       messages, the second exactly all of them.</li>
 *   <li>The broker filters (the client filters again by tag string, so the push test alone would not notice a broker
 *       that does not): on a one-queue topic with 40 TagC, 5 TagA, 40 TagC messages, pulls with {@code TagA || TagB}
 *       from offset 0 (a subscription carried in the request) never answer FOUND with only excluded messages, return
 *       exactly the 5 TagA messages (offsets 40-44), and a pull from offset 45 finds NO_MATCHED_MSG (response code 20)
 *       with nextBeginOffset past the scanned messages.</li>
 * </ul>
 */
@ExtendWith(Peers.DumpOnFailure.class)
class TagFilterIT {
    static final String TOPIC = "CompatTagFilter";
    static final String TOPIC_ONE_QUEUE = "CompatTagFilterOneQueue";
    static final int COUNT = 400;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;
    static DefaultMQProducer producer;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(TagFilterIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address());
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, 4);
        Clients.createTopic(admin, broker, TOPIC_ONE_QUEUE, 1);
        producer = Clients.producer("compat_tag_producer", namesrv.address());
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    static String tagOf(int i) {
        return switch (i % 4) {
            case 0 -> "TagA";
            case 1 -> "TagB";
            case 2 -> "TagC";
            default -> null;
        };
    }

    static void send(String topic, String tag, String key) throws Exception {
        SendResult r = producer.send(new Message(topic, tag, key, ("body of " + key).getBytes(StandardCharsets.UTF_8)));
        assertEquals(SendStatus.SEND_OK, r.getSendStatus(), key + ": " + r);
    }

    DefaultMQPushConsumer consumer(String group, String expression, Map<String, AtomicInteger> got,
        List<String> wrong) throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(group, namesrv.address());
        c.subscribe(TOPIC, expression);
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                int i = Integer.parseInt(m.getKeys().substring("tf-".length()));
                if (!Objects.equals(tagOf(i), m.getTags())
                    || !("body of " + m.getKeys()).equals(new String(m.getBody(), StandardCharsets.UTF_8))) {
                    wrong.add(group + ": " + m.getKeys() + " tag " + m.getTags());
                }
                got.computeIfAbsent(m.getKeys(), k -> new AtomicInteger()).incrementAndGet();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        return c;
    }

    @Test
    void pushSubscriptionsGetExactlyTheirTags() throws Exception {
        long ts = System.currentTimeMillis();
        Map<String, AtomicInteger> ab = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> all = new ConcurrentHashMap<>();
        List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        consumer("compat_tag_ab_" + ts, "TagA || TagB", ab, wrong);
        consumer("compat_tag_all_" + ts, "*", all, wrong);

        Set<String> expectedAb = new TreeSet<>();
        Set<String> expectedAll = new TreeSet<>();
        for (int i = 0; i < COUNT; i++) {
            String key = "tf-" + i;
            send(TOPIC, tagOf(i), key);
            expectedAll.add(key);
            if (i % 4 < 2) {
                expectedAb.add(key);
            }
        }
        long t0 = System.nanoTime();
        boolean done = Clients.await(Duration.ofSeconds(60),
            () -> ab.size() >= expectedAb.size() && all.size() >= expectedAll.size());
        ManagedProcess.sleep(3000); // anything that should not come would come now
        System.out.printf("[compat] 'TagA || TagB' got %d distinct (expected %d), '*' got %d (expected %d) in %d ms%n",
            ab.size(), expectedAb.size(), all.size(), expectedAll.size(), Clients.ms(t0));
        assertTrue(wrong.isEmpty(), "messages with the wrong tag or body: " + wrong);
        Set<String> extra = new TreeSet<>(ab.keySet());
        extra.removeAll(expectedAb);
        assertTrue(extra.isEmpty(), "'TagA || TagB' received messages it did not subscribe to: " + extra);
        assertEquals(expectedAb, new TreeSet<>(ab.keySet()), "'TagA || TagB' received");
        assertEquals(expectedAll, new TreeSet<>(all.keySet()), "'*' received");
        assertTrue(done);
    }

    @Test
    @SuppressWarnings("deprecation")
    void theBrokerFiltersPulledMessagesByTag() throws Exception {
        MessageQueue mq = new MessageQueue(TOPIC_ONE_QUEUE, broker.brokerName(), 0);
        for (int i = 0; i < 40; i++) {
            send(TOPIC_ONE_QUEUE, "TagC", "c1-" + i);
        }
        for (int i = 0; i < 5; i++) {
            send(TOPIC_ONE_QUEUE, "TagA", "a-" + i);
        }
        for (int i = 0; i < 40; i++) {
            send(TOPIC_ONE_QUEUE, "TagC", "c2-" + i);
        }
        long max = admin.maxOffset(mq);
        assertEquals(85, max, "max offset of the one-queue topic");

        DefaultMQPullConsumer pc = Clients.pullConsumer("compat_tag_pull_" + System.currentTimeMillis(),
            namesrv.address());
        List<Long> offsets = new ArrayList<>();
        List<String> pulls = new ArrayList<>();
        long offset = 0;
        for (int n = 0; n < 20 && offset < max; n++) {
            PullResult r = pc.pull(mq, "TagA || TagB", offset, 32);
            List<MessageExt> found = r.getMsgFoundList();
            pulls.add(offset + " -> " + r.getPullStatus() + " next=" + r.getNextBeginOffset() + " msgs="
                + (found == null ? 0 : found.size()));
            assertTrue(r.getPullStatus() == PullStatus.FOUND || r.getPullStatus() == PullStatus.NO_MATCHED_MSG,
                "pull from " + offset + ": " + r + "; pulls so far " + pulls);
            if (r.getPullStatus() == PullStatus.FOUND) {
                assertNotNull(found);
                assertTrue(!found.isEmpty(), "the broker answered FOUND with only messages that 'TagA || TagB' "
                    + "excludes (the client dropped them): it did not filter by tag; pulls " + pulls);
                for (MessageExt m : found) {
                    assertEquals("TagA", m.getTags(), m.getKeys());
                    offsets.add(m.getQueueOffset());
                }
            }
            assertTrue(r.getNextBeginOffset() > offset, "no progress: " + pulls);
            offset = r.getNextBeginOffset();
        }
        System.out.printf("[compat] pulls with 'TagA || TagB': %s%n", pulls);
        assertEquals(List.of(40L, 41L, 42L, 43L, 44L), offsets, "offsets of the pulled TagA messages; pulls " + pulls);
        assertEquals(max, offset, "the pulls end at the max offset");

        PullResult tail = pc.pull(mq, "TagA || TagB", 45, 32);
        assertEquals(PullStatus.NO_MATCHED_MSG, tail.getPullStatus(), "pull from 45 (only TagC after it): " + tail);
        assertEquals(max, tail.getNextBeginOffset(), "nextBeginOffset after scanning the 40 TagC messages: " + tail);
        PullResult star = pc.pull(mq, "*", 45, 32);
        assertEquals(PullStatus.FOUND, star.getPullStatus(), "pull '*' from 45: " + star);
        assertEquals(32, star.getMsgFoundList().size(), "pull '*' from 45 returns maxNums messages");
        assertEquals(77, star.getNextBeginOffset(), "pull '*' from 45: " + star);
    }
}
