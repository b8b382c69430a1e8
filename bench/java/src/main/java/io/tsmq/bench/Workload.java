package io.tsmq.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.remoting.protocol.route.QueueData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

/**
 * One generator run against one broker: optionally measures the broker's start-up (time from its spawn to the first
 * acknowledged send), creates the benchmark topic, then applies one load and writes a JSON result.
 *
 * <pre>
 * modes: sync | batch | async | rate | consume | fill | verify | none
 *   sync    --threads T --size S                 T threads, each a synchronous send loop
 *   batch   --threads T --size S --batch B       T threads, each a loop of synchronous batch sends of B messages
 *   async   --threads T --size S --inflight N    T threads issue async sends, at most N unanswered in total
 *   rate    --rate R --size S                    R msg/s (open loop, async) while a push consumer measures
 *                                                born-to-consume latency
 *   consume --fill N --consume M --size S        fill N messages (batch sends), wait until the broker has dispatched
 *                                                them, then push-consume M messages from the first offset
 *   fill    --fill N --size S                    fill only (backlog for workload h, CommitLog for recovery)
 *   verify  --expect N                           sum of the topic's max offsets (after a crash recovery)
 * </pre>
 */
final class Workload {
    static final int WARMUP = 0;
    static final int MEASURE = 1;
    static final int DONE = 2;

    private final Args a;
    private final Map<String, Object> out = new LinkedHashMap<>();
    private final String ns;
    private final String brokerAddr;
    private final String brokerName;
    private final String topic;
    private final int queues;
    private final int size;
    private final byte[] body;
    private final int sendTimeoutMs;
    private final String nonce = Long.toString(System.currentTimeMillis(), 36) + ProcessHandle.current().pid();

    private DefaultMQProducer producer;
    private MQClientAPIImpl api;
    private DefaultMQPushConsumer consumer;
    private ProcStats proc;

    private volatile int phase = WARMUP;
    private final LongAdder ok = new LongAdder();
    private final LongAdder okAll = new LongAdder();
    private final LongAdder consumed = new LongAdder();
    private final LongAdder consumedWindow = new LongAdder();
    private final Histogram sendLat = new Histogram();
    private final Histogram e2eLat = new Histogram();
    private final Errors errors = new Errors();
    private long windowStartNs;
    private long windowEndNs;
    private double cpuStart;
    private double cpuEnd;
    private long clientCpuStartNs;
    private long clientCpuEndNs;
    private final List<Long> series = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLongArray e2eMaxPerSecond = new java.util.concurrent.atomic.AtomicLongArray(3600);

    Workload(Args a) {
        this.a = a;
        this.ns = a.str("namesrv");
        this.brokerAddr = a.str("broker-addr");
        this.brokerName = a.str("broker-name", "broker-a");
        this.topic = a.str("topic", "BenchTopic");
        this.queues = a.i("queues", 8);
        this.size = a.i("size", 1024);
        this.sendTimeoutMs = a.i("send-timeout-ms", 3000);
        this.body = new byte[size];
        new Random(42).nextBytes(body);
    }

    Map<String, Object> result() {
        return out;
    }

    void run() throws Exception {
        out.put("mode", a.str("mode"));
        out.put("args", new LinkedHashMap<>(a.all()));
        out.put("clientVersion", org.apache.rocketmq.common.MQVersion.getVersionDesc(
            org.apache.rocketmq.common.MQVersion.CURRENT_VERSION));
        startProducer();

        int pid;
        long spawnEpochMs = 0;
        if (a.b("probe", false)) {
            // the runner spawns the broker after READY and tells us its pid and spawn time on stdin
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || !line.startsWith("BROKER ")) throw new IllegalStateException("expected 'BROKER <pid> <ms>', got " + line);
            String[] p = line.split(" ");
            pid = Integer.parseInt(p[1]);
            spawnEpochMs = Long.parseLong(p[2]);
        } else {
            pid = a.i("broker-pid", -1);
        }
        if (pid > 0) proc = new ProcStats(pid, a.l("clk-tck", 100));
        if (a.b("probe", false)) probe(spawnEpochMs);

        if (a.b("create-topic", true) && !"verify".equals(a.str("mode"))) createTopic();

        switch (a.str("mode")) {
            case "sync" -> sendLoop(a.i("threads", 64), 1);
            case "batch" -> sendLoop(a.i("threads", 64), a.i("batch", 32));
            case "async" -> async(a.i("threads", 8), a.i("inflight", 1024));
            case "rate" -> rate(a.d("rate", 1000));
            case "consume" -> consume();
            case "fill" -> fillOnly();
            case "verify" -> verify();
            case "none" -> { }
            default -> throw new IllegalArgumentException("unknown mode " + a.str("mode"));
        }
        report();
    }

    // ---------------------------------------------------------------------------------------------- set-up

    private void startProducer() throws Exception {
        producer = new DefaultMQProducer("bench_producer_" + nonce);
        producer.setNamesrvAddr(ns);
        producer.setInstanceName("bench-" + nonce);
        producer.setSendMsgTimeout(sendTimeoutMs);
        producer.setRetryTimesWhenSendFailed(0); // a failed send is counted, not hidden by a retry
        producer.setRetryTimesWhenSendAsyncFailed(0);
        producer.setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE); // 4 KB bodies stay uncompressed
        producer.setDefaultTopicQueueNums(queues);
        producer.setMaxMessageSize(4 * 1024 * 1024);
        producer.start();
        api = producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
    }

    /** Sends one small message to an auto-created topic until the first SEND_OK. */
    private void probe(long spawnEpochMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + a.l("probe-timeout-s", 300) * 1000;
        int attempts = 0;
        String lastError = null;
        Map<String, Object> m = new LinkedHashMap<>();
        while (System.currentTimeMillis() < deadline) {
            attempts++;
            try {
                SendResult r = producer.send(new Message("BenchProbe", "probe".getBytes(StandardCharsets.UTF_8)), 1000);
                if (r.getSendStatus() == SendStatus.SEND_OK) {
                    long now = System.currentTimeMillis();
                    m.put("spawnEpochMs", spawnEpochMs);
                    m.put("firstAckEpochMs", now);
                    m.put("firstAckMs", now - spawnEpochMs);
                    m.put("attempts", attempts);
                    m.put("lastError", lastError);
                    out.put("probe", m);
                    System.err.println("[gen] first acknowledged send " + (now - spawnEpochMs) + " ms after broker spawn");
                    return;
                }
                lastError = "status " + r.getSendStatus();
            } catch (Exception e) {
                lastError = Errors.key(e);
            }
            if (proc != null && proc.exited()) {
                m.put("lastError", lastError);
                out.put("probe", m);
                throw new IllegalStateException("broker exited before its first acknowledged send; last error: " + lastError);
            }
            Thread.sleep(10);
        }
        m.put("lastError", lastError);
        out.put("probe", m);
        throw new IllegalStateException("no acknowledged send within the probe timeout; last error: " + lastError);
    }

    private void createTopic() throws Exception {
        TopicConfig tc = new TopicConfig(topic, queues, queues, 6);
        long deadline = System.currentTimeMillis() + 60_000;
        Exception last = null;
        while (true) {
            try {
                api.createTopic(brokerAddr, "TBW102", tc, 5000);
                break;
            } catch (Exception e) {
                last = e;
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("createTopic failed", last);
                Thread.sleep(200);
            }
        }
        // the name server must route all queues before the load starts
        while (true) {
            try {
                TopicRouteData r = api.getTopicRouteInfoFromNameServer(topic, 3000);
                int w = 0;
                for (QueueData q : r.getQueueDatas()) w += q.getWriteQueueNums();
                if (w == queues && producer.fetchPublishMessageQueues(topic).size() == queues) break;
            } catch (Exception e) {
                last = e;
            }
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("route of " + topic + " not complete", last);
            Thread.sleep(100);
        }
        System.err.println("[gen] topic " + topic + " has " + queues + " queues");
    }

    private Message msg() {
        return new Message(topic, body);
    }

    // ---------------------------------------------------------------------------------------------- measurement

    private boolean inWindow() {
        return phase == MEASURE;
    }

    private void windowStart() {
        windowStartNs = System.nanoTime();
        cpuStart = proc == null ? Double.NaN : proc.cpuSeconds();
        clientCpuStartNs = clientCpuNs();
        if (proc != null) proc.windowStart();
        phase = MEASURE;
    }

    private void windowEnd() {
        phase = DONE;
        windowEndNs = System.nanoTime();
        cpuEnd = proc == null ? Double.NaN : proc.cpuSeconds();
        clientCpuEndNs = clientCpuNs();
        if (proc != null) proc.windowEnd();
    }

    private static long clientCpuNs() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean s) return s.getProcessCpuTime();
        return -1;
    }

    /** Warm-up, then the measurement window with a per-second series of the given counter. */
    private void timed(LongAdder counter) throws InterruptedException {
        double warmup = a.d("warmup-s", 10);
        double measure = a.d("measure-s", 60);
        System.err.printf("[gen] warm-up %.0f s, measuring %.0f s%n", warmup, measure);
        Thread.sleep((long) (warmup * 1000));
        windowStart();
        long end = windowStartNs + (long) (measure * 1e9);
        long prev = counter.sum();
        long next = windowStartNs + 1_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            if (now >= end) break;
            long wake = Math.min(next, end);
            TimeUnit.NANOSECONDS.sleep(wake - now);
            if (System.nanoTime() >= next) {
                long c = counter.sum();
                series.add(c - prev);
                prev = c;
                next += 1_000_000_000L;
            }
            if (proc != null && proc.exited()) {
                System.err.println("[gen] broker process exited during the measurement");
                break;
            }
        }
        windowEnd();
    }

    private void sent(long t0, SendStatus status, int n) {
        long t1 = System.nanoTime();
        if (status == SendStatus.SEND_OK) {
            okAll.add(n);
            if (inWindow()) {
                ok.add(n);
                sendLat.record((t1 - t0) / 1000);
            }
        } else {
            errors.add("status " + status, inWindow(), null);
        }
    }

    private void failed(Throwable e) {
        errors.add(e, inWindow());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------- loads

    private void sendLoop(int threads, int batch) throws InterruptedException {
        out.put("threads", threads);
        out.put("batch", batch);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (phase != DONE) {
                    long t0 = System.nanoTime();
                    try {
                        SendResult r;
                        if (batch == 1) {
                            r = producer.send(msg());
                        } else {
                            List<Message> l = new ArrayList<>(batch);
                            for (int k = 0; k < batch; k++) l.add(msg());
                            r = producer.send(l);
                        }
                        sent(t0, r.getSendStatus(), batch);
                    } catch (Throwable e) {
                        failed(e);
                        pause(10);
                    }
                }
            }, "sender-" + i);
            t.setDaemon(true);
            ts.add(t);
            t.start();
        }
        timed(ok);
        for (Thread t : ts) t.join(sendTimeoutMs + 5000L);
    }

    private void async(int threads, int inflight) throws InterruptedException {
        out.put("threads", threads);
        out.put("inflight", inflight);
        Semaphore sem = new Semaphore(inflight);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (phase != DONE) {
                    try {
                        if (!sem.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
                    } catch (InterruptedException e) {
                        return;
                    }
                    asyncSend(msg(), sem);
                }
            }, "async-" + i);
            t.setDaemon(true);
            ts.add(t);
            t.start();
        }
        timed(ok);
        for (Thread t : ts) t.join(1000);
        drain(sem, inflight);
    }

    private void asyncSend(Message m, Semaphore sem) {
        long t0 = System.nanoTime();
        try {
            producer.send(m, new SendCallback() {
                @Override
                public void onSuccess(SendResult r) {
                    sem.release();
                    sent(t0, r.getSendStatus(), 1);
                }

                @Override
                public void onException(Throwable e) {
                    sem.release();
                    failed(e);
                }
            });
        } catch (Throwable e) {
            sem.release();
            failed(e);
            pause(10);
        }
    }

    private void drain(Semaphore sem, int permits) throws InterruptedException {
        if (sem.tryAcquire(permits, sendTimeoutMs + 2000L, TimeUnit.MILLISECONDS)) {
            sem.release(permits);
        } else {
            out.put("unansweredAtEnd", permits - sem.availablePermits());
        }
    }

    /** Open-loop load at a fixed rate; a push consumer in this JVM measures born-to-consume latency (nanoTime). */
    private void rate(double rate) throws Exception {
        out.put("targetRate", rate);
        startConsumer("bench_rate_" + nonce, m -> {
            String bt = m.getUserProperty("bt");
            if (bt != null && inWindow()) {
                long t = System.nanoTime();
                long us = (t - Long.parseLong(bt)) / 1000;
                e2eLat.record(us);
                consumedWindow.increment();
                int sec = (int) ((t - windowStartNs) / 1_000_000_000L);
                if (sec >= 0 && sec < e2eMaxPerSecond.length()) e2eMaxPerSecond.accumulateAndGet(sec, us, Math::max);
            }
        });
        int pacers = Math.max(1, a.i("pacers", 4));
        int cap = a.i("inflight", 20000);
        Semaphore sem = new Semaphore(cap);
        LongAdder behind = new LongAdder();
        long interval = (long) (1e9 * pacers / rate);
        long start = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < pacers; i++) {
            final long first = start + (long) i * interval / pacers;
            Thread t = new Thread(() -> {
                long next = first;
                while (phase != DONE) {
                    long now = System.nanoTime();
                    if (now < next) {
                        LockSupport.parkNanos(next - now);
                    } else if (now - next > 200_000_000L) {
                        behind.increment(); // more than 200 ms behind schedule: restart the schedule from now
                        next = now;
                    }
                    next += interval;
                    try {
                        sem.acquire();
                    } catch (InterruptedException e) {
                        return;
                    }
                    Message m = msg();
                    m.putUserProperty("bt", Long.toString(System.nanoTime()));
                    asyncSend(m, sem);
                }
            }, "pacer-" + i);
            t.setDaemon(true);
            ts.add(t);
            t.start();
        }
        timed(ok);
        for (Thread t : ts) t.join(1000);
        drain(sem, cap);
        out.put("pacingResets", behind.sum());
        List<Double> e2eMax = new ArrayList<>();
        for (int i = 0; i < Math.min(e2eMaxPerSecond.length(), (int) Math.ceil(a.d("measure-s", 60))); i++) {
            e2eMax.add(e2eMaxPerSecond.get(i) / 1000.0);
        }
        out.put("e2eMaxMsPerSecond", e2eMax);
        out.put("consumerStats", consumerStats());
        // let the consumer catch up with what was sent in the window, for the latency tail
        long deadline = System.currentTimeMillis() + 10_000;
        while (consumed.sum() < okAll.sum() && System.currentTimeMillis() < deadline) Thread.sleep(50);
    }

    /** The client's own statistics (1-minute moving window): pull round trip, pulled and consumed msg/s. */
    private Map<String, Object> consumerStats() {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            var st = consumer.getDefaultMQPushConsumerImpl().getConsumerStatsManager()
                .consumeStatus(consumer.getConsumerGroup(), topic);
            m.put("pullRtMs", round(st.getPullRT(), 3));
            m.put("pullMsgsPerSec", round(st.getPullTPS(), 1));
            m.put("consumeRtMs", round(st.getConsumeRT(), 3));
            m.put("consumeOkMsgsPerSec", round(st.getConsumeOKTPS(), 1));
        } catch (Throwable e) {
            m.put("error", String.valueOf(e));
        }
        return m;
    }

    private interface OnMessage {
        void accept(MessageExt m);
    }

    private void startConsumer(String group, OnMessage onMessage) throws Exception {
        consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(ns);
        consumer.setInstanceName("bench-c-" + nonce);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        if (a.all().containsKey("pull-batch")) consumer.setPullBatchSize(a.i("pull-batch", 32));
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                onMessage.accept(m);
                consumed.increment();
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().size() < queues) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("consumer was not assigned all " + queues + " queues");
            Thread.sleep(20);
        }
        System.err.println("[gen] consumer " + group + " owns " + queues + " queues");
    }

    /** Sends n messages with batch sends from several threads, as fast as the broker takes them. */
    private Map<String, Object> fill(long n) throws InterruptedException {
        int threads = a.i("fill-threads", 8);
        int batch = a.i("fill-batch", 32);
        AtomicLong remaining = new AtomicLong(n);
        LongAdder done = new LongAdder();
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (true) {
                    long k = remaining.getAndAdd(-batch);
                    if (k <= 0) return;
                    int b = (int) Math.min(batch, k);
                    List<Message> l = new ArrayList<>(b);
                    for (int j = 0; j < b; j++) l.add(msg());
                    try {
                        SendResult r = b == 1 ? producer.send(l.get(0)) : producer.send(l);
                        if (r.getSendStatus() == SendStatus.SEND_OK) {
                            done.add(b);
                            continue;
                        }
                        errors.add("fill status " + r.getSendStatus(), false, null);
                        done.add(b); // stored, only the flush/replica wait failed
                    } catch (Throwable e) {
                        errors.add(e, false);
                        remaining.addAndGet(b); // try these again
                        pause(50);
                    }
                }
            }, "fill-" + i);
            t.setDaemon(true);
            ts.add(t);
            t.start();
        }
        long lastProgress = System.nanoTime();
        long lastDone = 0;
        long lastPrint = System.nanoTime();
        while (ts.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(200);
            long d = done.sum();
            long now = System.nanoTime();
            if (d != lastDone) {
                lastDone = d;
                lastProgress = now;
            } else if (now - lastProgress > a.l("stall-s", 120) * 1_000_000_000L) {
                throw new IllegalStateException("fill stalled at " + d + " of " + n + " messages; errors: " + errors.toJson().get("kinds"));
            }
            if (now - lastPrint > 10_000_000_000L) {
                lastPrint = now;
                System.err.printf("[gen] fill %d / %d (%.0f msg/s)%n", d, n, d / ((now - t0) / 1e9));
            }
            if (proc != null && proc.exited()) throw new IllegalStateException("broker exited during the fill");
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messages", done.sum());
        m.put("seconds", round(secs, 3));
        m.put("msgsPerSec", round(done.sum() / secs, 1));
        m.put("errors", errors.total());
        System.err.printf("[gen] filled %d messages in %.1f s%n", done.sum(), secs);
        waitDispatched(n, m);
        return m;
    }

    /** Waits until the sum of the topic's ConsumeQueue max offsets reaches n (the broker has dispatched them). */
    private void waitDispatched(long n, Map<String, Object> m) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = System.currentTimeMillis() + a.l("dispatch-timeout-s", 600) * 1000;
        long sum = -1;
        while (System.currentTimeMillis() < deadline) {
            sum = maxOffsetSum();
            if (sum >= n) break;
            Thread.sleep(100);
        }
        m.put("dispatchedMessages", sum);
        m.put("dispatchWaitSeconds", round((System.nanoTime() - t0) / 1e9, 3));
        if (sum < n) throw new IllegalStateException("broker reports " + sum + " of " + n + " messages in the ConsumeQueues");
    }

    private long maxOffsetSum() {
        long sum = 0;
        for (int q = 0; q < queues; q++) {
            try {
                sum += api.getMaxOffset(brokerAddr, new MessageQueue(topic, brokerName, q), 3000);
            } catch (Exception e) {
                return -1;
            }
        }
        return sum;
    }

    private void fillOnly() throws InterruptedException {
        long n = a.l("fill", 1_000_000);
        out.put("fill", fill(n));
    }

    private void verify() throws InterruptedException {
        long expect = a.l("expect", 0);
        long deadline = System.currentTimeMillis() + 120_000;
        long sum = -1;
        while (System.currentTimeMillis() < deadline) {
            sum = maxOffsetSum();
            if (sum >= expect) break;
            Thread.sleep(200);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expected", expect);
        m.put("recovered", sum);
        m.put("complete", sum >= expect);
        out.put("verify", m);
    }

    /** Fill a backlog (unless --fill 0), then push-consume M messages of it from the first offset. */
    private void consume() throws Exception {
        long fillN = a.l("fill", 1_000_000);
        long target = a.l("consume", fillN);
        if (fillN > 0) out.put("fill", fill(fillN));
        out.put("consumeTarget", target);
        double timeout = a.d("consume-timeout-s", Math.max(120, target / 2000.0));
        long deadlineNs;
        // the window starts when the consumer starts: rebalance and the first pulls are part of consuming a backlog
        windowStart();
        deadlineNs = windowStartNs + (long) (timeout * 1e9);
        startConsumer("bench_consume_" + nonce, m -> {
            if (m.getBody() == null || m.getBody().length != size) errors.add("consumed body of unexpected size", true, null);
        });
        long prev = 0;
        long nextSec = windowStartNs + 1_000_000_000L;
        long reached = -1;
        while (true) {
            long c = consumed.sum();
            long now = System.nanoTime();
            if (c >= target) {
                reached = now;
                break;
            }
            if (now > deadlineNs) break;
            if (now >= nextSec) {
                series.add(c - prev);
                prev = c;
                nextSec += 1_000_000_000L;
            }
            if (proc != null && proc.exited()) break;
            Thread.sleep(2);
        }
        windowEnd();
        if (reached > 0) windowEndNs = reached;
        long c = Math.min(consumed.sum(), target);
        ok.add(c);
        out.put("consumeComplete", reached > 0);
        out.put("consumerStats", consumerStats());
        if (reached < 0) {
            errors.add("consumed only " + consumed.sum() + " of " + target + " within " + timeout + " s", true, null);
        }
    }

    // ---------------------------------------------------------------------------------------------- output

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    private void report() {
        if (windowEndNs > windowStartNs) {
            double secs = (windowEndNs - windowStartNs) / 1e9;
            long msgs = ok.sum();
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("seconds", round(secs, 3));
            w.put("messages", msgs);
            w.put("bodyBytes", msgs * size);
            w.put("msgsPerSec", round(msgs / secs, 1));
            w.put("mbPerSec", round(msgs * (double) size / secs / 1e6, 3));
            if ("rate".equals(a.str("mode"))) {
                w.put("consumedInWindow", consumedWindow.sum());
            }
            out.put("window", w);
            if (sendLat.snapshot().total > 0) out.put("sendLatency", sendLat.snapshot().toJson());
            if (e2eLat.snapshot().total > 0) out.put("e2eLatency", e2eLat.snapshot().toJson());
            Map<String, Object> b = new LinkedHashMap<>();
            if (proc != null) {
                b.put("pid", proc.pid);
                double cpu = cpuEnd - cpuStart;
                b.put("cpuSeconds", round(cpu, 3));
                b.put("cpuSecondsPerMillion", msgs > 0 ? round(cpu / (msgs / 1e6), 3) : null);
                b.put("cpuUtilization", round(cpu / secs, 3));
                b.put("windowMaxRssKb", proc.windowMaxRssKb());
            }
            out.put("broker", b);
            Map<String, Object> cl = new LinkedHashMap<>();
            if (clientCpuStartNs >= 0) {
                double cc = (clientCpuEndNs - clientCpuStartNs) / 1e9;
                cl.put("cpuSeconds", round(cc, 3));
                cl.put("cpuUtilization", round(cc / secs, 3));
            }
            out.put("client", cl);
            out.put("series", series);
        }
        if (proc != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> b = (Map<String, Object>) out.computeIfAbsent("broker", k -> new LinkedHashMap<>());
            b.put("pid", proc.pid);
            b.put("peakRssKb", proc.peakRssKb());
            b.put("exited", proc.exited());
        }
        out.put("errors", errors.toJson());
    }

    void shutdown() {
        try {
            if (consumer != null) consumer.shutdown();
        } catch (Throwable ignored) {
            // exiting anyway
        }
        try {
            if (producer != null) producer.shutdown();
        } catch (Throwable ignored) {
            // exiting anyway
        }
    }
}
