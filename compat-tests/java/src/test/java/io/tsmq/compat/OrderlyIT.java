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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
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
 * Ordered messages (issue 6): 100 order ids, 10 steps each, sent with a MessageQueueSelector (order id mod 8) to a
 * topic of 8 queues while MessageListenerOrderly consumers of one group join and leave: c1 and c2 from the start, c3
 * joins, c1 leaves (shutdown: it unlocks its queues), c4 joins. The broker's lock table (LOCK_BATCH_MQ /
 * UNLOCK_BATCH_MQ) is what keeps two consumers off one queue while queues move between them.
 *
 * <p>Asserts: every (order, step) consumed; for every order, no step is ever delivered before the step that precedes
 * it (a queue handed over may replay a step already seen, never skip ahead); no queue is ever consumed by two
 * consumers at the same time (each listener call marks its queue busy and fails the test if another consumer holds
 * it).
 */
@ExtendWith(Peers.DumpOnFailure.class)
class OrderlyIT {
    static final String TOPIC = "CompatOrderly";
    static final int QUEUES = 8;
    static final int ORDERS = 100;
    static final int STEPS = 10;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(OrderlyIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address());
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, QUEUES);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    /** Deliveries per order, in the order the listeners saw them. */
    final Map<Integer, List<Integer>> seen = new ConcurrentHashMap<>();
    /** Which consumer is inside a listener call for a queue right now. */
    final Map<Integer, AtomicReference<String>> busy = new ConcurrentHashMap<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final AtomicInteger deliveries = new AtomicInteger();

    DefaultMQPushConsumer consumer(String group, String name) throws Exception {
        DefaultMQPushConsumer c = Clients.pushConsumer(group, namesrv.address());
        c.subscribe(TOPIC, "*");
        // shutdown() waits for listener calls in progress before it unlocks the queues (the default, 0, does not
        // wait: a leaving consumer could still be inside its listener when the next owner locks the queue)
        c.setAwaitTerminationMillisWhenShutdown(10_000);
        c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
            int q = ctx.getMessageQueue().getQueueId();
            AtomicReference<String> holder = busy.computeIfAbsent(q, k -> new AtomicReference<>());
            if (!holder.compareAndSet(null, name)) {
                problems.add("queue " + q + " consumed by " + name + " while " + holder.get() + " consumed it");
                return ConsumeOrderlyStatus.SUCCESS;
            }
            try {
                for (MessageExt m : msgs) {
                    String[] parts = new String(m.getBody(), StandardCharsets.UTF_8).split(":");
                    int order = Integer.parseInt(parts[0]);
                    int step = Integer.parseInt(parts[1]);
                    if (order % QUEUES != m.getQueueId()) {
                        problems.add("order " + order + " arrived on queue " + m.getQueueId());
                    }
                    seen.computeIfAbsent(order, k -> new CopyOnWriteArrayList<>()).add(step);
                    deliveries.incrementAndGet();
                }
                ManagedProcess.sleep(2); // a listener that takes time widens any window in which two could overlap
            } finally {
                holder.set(null);
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        c.start();
        System.out.printf("[compat] orderly consumer %s started%n", name);
        return c;
    }

    @Test
    void everyOrderKeepsItsSequenceWhileConsumersJoinAndLeave() throws Exception {
        String group = "compat_orderly_" + System.currentTimeMillis();
        DefaultMQProducer producer = Clients.producer("compat_orderly_producer", namesrv.address());
        DefaultMQPushConsumer c1 = consumer(group, "c1");
        consumer(group, "c2");

        Thread sender = new Thread(() -> {
            try {
                for (int step = 0; step < STEPS; step++) {
                    for (int order = 0; order < ORDERS; order++) {
                        Message m = new Message(TOPIC, "TagO", "o" + order + "-s" + step,
                            (order + ":" + step).getBytes(StandardCharsets.UTF_8));
                        SendResult r = producer.send(m, (mqs, msg, arg) -> {
                            int id = (Integer) arg;
                            return mqs.stream().filter(mq -> mq.getQueueId() == id % QUEUES).findFirst()
                                .orElseThrow();
                        }, order);
                        if (r.getSendStatus() != SendStatus.SEND_OK || r.getMessageQueue().getQueueId() != order % QUEUES) {
                            problems.add("send o" + order + "-s" + step + ": " + r);
                        }
                    }
                    ManagedProcess.sleep(700); // spread the sends over the joins and leaves below
                }
            } catch (Exception e) {
                problems.add("sender: " + e);
            }
        }, "orderly-sender");
        long t0 = System.nanoTime();
        sender.start();

        ManagedProcess.sleep(2000);
        consumer(group, "c3");
        ManagedProcess.sleep(2000);
        c1.shutdown();
        System.out.printf("[compat] orderly consumer c1 left after %d ms (%d deliveries so far)%n", Clients.ms(t0),
            deliveries.get());
        ManagedProcess.sleep(2000);
        consumer(group, "c4");
        sender.join(120_000);

        boolean all = Clients.await(Duration.ofSeconds(120), () -> {
            int distinct = 0;
            for (List<Integer> steps : seen.values()) {
                distinct += (int) steps.stream().distinct().count();
            }
            return distinct >= ORDERS * STEPS;
        });
        ManagedProcess.sleep(2000);

        int replays = 0;
        List<String> outOfOrder = new ArrayList<>();
        Map<Integer, String> missing = new TreeMap<>();
        for (int order = 0; order < ORDERS; order++) {
            List<Integer> steps = seen.getOrDefault(order, List.of());
            int max = -1;
            for (int s : steps) {
                if (s > max + 1) {
                    outOfOrder.add("order " + order + ": step " + s + " after " + max + " (" + steps + ")");
                    break;
                }
                if (s <= max) {
                    replays++;
                }
                max = Math.max(max, s);
            }
            if (steps.stream().distinct().count() != STEPS) {
                missing.put(order, steps.toString());
            }
        }
        System.out.printf("[compat] orderly: %d deliveries of %d messages in %d ms, %d replays after hand-overs, "
            + "%d problems%n", deliveries.get(), ORDERS * STEPS, Clients.ms(t0), replays, problems.size());
        assertTrue(problems.isEmpty(), "problems: " + problems.subList(0, Math.min(20, problems.size())));
        assertTrue(outOfOrder.isEmpty(), "orders consumed out of sequence: " + outOfOrder);
        assertTrue(missing.isEmpty(), "orders with missing steps: " + missing);
        assertTrue(all);
        assertEquals(ORDERS, seen.size(), "orders seen");
    }
}
