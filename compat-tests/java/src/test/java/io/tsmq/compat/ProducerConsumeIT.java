package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 1: a DefaultMQProducer sends 10,000 messages to the broker under test, synchronously (4,000), async
 * (4,000) and oneway (2,000), interleaved, of mixed sizes: mostly 1 byte - 4 KiB, ~10% 4-64 KiB (compressed by the
 * client: bodies of 4 KiB or more), 20 between 1 and 3.4 MiB (random, so compression does not shrink them), 2 of
 * exactly 4 MiB (the client's limit; compressible text) and one random of 4 MiB - 8 KiB (a stored record just under
 * the broker's 4 MiB limit). The broker's commit log files are 32 MiB, so the big records roll files. Every message has keys (some two), a tag (TagA/B/C or none)
 * and user properties (non-ASCII, JSON-like, and the unique {@code u_seq}). Sync and async sends must all be SEND_OK;
 * then a DefaultMQPushConsumer of a new group (CONSUME_FROM_FIRST_OFFSET) must get every message exactly once, with
 * the same body, keys, tags and user properties, the same msgId (UNIQ_KEY) and, for acknowledged sends, the queue,
 * queue offset and offset msgId the send result named; the compressed flag set exactly for bodies of 4 KiB or more.
 * Every message is a pure function of its sequence number, so nothing big is kept in memory.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class ProducerConsumeIT {
    static final String TOPIC = "CompatProducerConsume";
    static final int COUNT = 10_000;
    static final int QUEUES = 8;
    static final int MIB = 1024 * 1024;
    static final Set<Integer> LARGE = new TreeSet<>();
    static final Set<Integer> MAX_SIZE = Set.of(2503, 5011, 7517);
    static final int MAX_SIZE_RANDOM = 7517;
    /** Commit log files of 32 MiB (the tests' usual 100 MB would hold everything): the large records roll files. */
    static final String COMMIT_LOG_FILE_SIZE = Integer.toString(32 * MIB);

    static {
        for (int k = 0; k < 20; k++) {
            LARGE.add(137 + k * 487);
        }
    }

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(ProducerConsumeIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        broker = BrokerUnderTest.start("broker-a", namesrv.address(),
            Map.of("mappedFileSizeCommitLog", COMMIT_LOG_FILE_SIZE));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, QUEUES);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    /** What message {@code seq} is: everything derives from the number. */
    record Spec(int seq, String mode, int size, boolean text, String tag, String keys, Map<String, String> props) {
    }

    static Spec spec(int seq) {
        String mode = seq % 10 < 4 ? "sync" : seq % 10 < 8 ? "async" : "oneway";
        Random r = new Random(seq * 1_000_003L);
        int size;
        boolean text;
        if (seq == MAX_SIZE_RANDOM) {
            // random, so compression does not shrink it: a stored record of almost exactly 4 MiB, the broker's limit
            size = 4 * MIB - 8 * 1024;
            text = false;
        } else if (MAX_SIZE.contains(seq)) {
            size = 4 * MIB; // DefaultMQProducer#maxMessageSize: the largest body the client accepts
            text = true;
        } else if (LARGE.contains(seq)) {
            size = MIB + 1 + (seq % 20) * 131_072 + r.nextInt(1000);
            text = false;
        } else {
            int bucket = r.nextInt(100);
            if (seq % 97 == 0) {
                size = 1;
            } else if (bucket < 70) {
                size = 1 + r.nextInt(1024);
            } else if (bucket < 90) {
                size = 1025 + r.nextInt(4095 - 1025 + 1); // up to 4095: never compressed
            } else {
                size = 4096 + r.nextInt(60 * 1024); // 4096 and more: compressed by the client
            }
            text = seq % 2 == 0;
        }
        String tag = switch (seq % 4) {
            case 0 -> "TagA";
            case 1 -> "TagB";
            case 2 -> "TagC";
            default -> null;
        };
        String keys = "pc-" + seq + (seq % 3 == 0 ? " pcgrp-" + (seq % 50) : "");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("u_seq", Integer.toString(seq));
        props.put("u_mode", mode);
        props.put("u_text", "héllo wörld 世界 \uD83D\uDE80 #" + seq);
        props.put("u_json", "{\"seq\":" + seq + ",\"q\":\"a\\\"b\",\"list\":[1,2]}");
        return new Spec(seq, mode, size, text, tag, keys, props);
    }

    static byte[] body(Spec s) {
        byte[] b = new byte[s.size];
        Random r = new Random(s.seq * 31L + s.size);
        if (s.text) {
            String alphabet = "abcdefghijklmnop";
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) alphabet.charAt(r.nextInt(16));
            }
        } else {
            r.nextBytes(b);
        }
        return b;
    }

    static Message message(Spec s) {
        Message m = new Message(TOPIC, s.tag, s.keys, body(s));
        s.props.forEach(m::putUserProperty);
        return m;
    }

    /** What a send told us about message seq. */
    record Sent(String uniqKey, String msgId, String offsetMsgId, int queueId, long queueOffset) {
    }

    @Test
    void tenThousandMixedMessagesSyncAsyncOnewayThenConsumedExactlyOnce() throws Exception {
        // ------------------------------------------------------------------ send
        DefaultMQProducer producer = Clients.producer("compat_pc_producer", namesrv.address());
        Map<Integer, Sent> sent = new ConcurrentHashMap<>();
        Map<Integer, String> uniqKeys = new ConcurrentHashMap<>();
        List<String> sendFailures = Collections.synchronizedList(new ArrayList<>());
        Semaphore inFlight = new Semaphore(256);
        Semaphore inFlightKiB = new Semaphore(48 * 1024); // at most ~48 MiB of async bodies in flight
        AtomicInteger asyncDone = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        int[] perMode = new int[3];
        long t0 = System.nanoTime();
        for (int seq = 0; seq < COUNT; seq++) {
            Spec s = spec(seq);
            Message m = message(s);
            bytes.addAndGet(s.size);
            final int fseq = seq;
            switch (s.mode) {
                case "sync" -> {
                    perMode[0]++;
                    try {
                        SendResult r = producer.send(m);
                        if (r.getSendStatus() != SendStatus.SEND_OK) {
                            sendFailures.add("sync #" + seq + ": " + r);
                        }
                        sent.put(seq, sent(m, r));
                    } catch (Exception e) {
                        sendFailures.add("sync #" + seq + " (" + s.size + " bytes): " + e);
                    }
                    uniqKeys.put(seq, uniqKey(m));
                }
                case "async" -> {
                    perMode[1]++;
                    int kib = Math.max(1, s.size / 1024);
                    inFlight.acquire();
                    inFlightKiB.acquire(kib);
                    Runnable release = () -> {
                        inFlightKiB.release(kib);
                        inFlight.release();
                        asyncDone.incrementAndGet();
                    };
                    try {
                        producer.send(m, new SendCallback() {
                            @Override
                            public void onSuccess(SendResult r) {
                                if (r.getSendStatus() != SendStatus.SEND_OK) {
                                    sendFailures.add("async #" + fseq + ": " + r);
                                }
                                sent.put(fseq, sent(m, r));
                                uniqKeys.put(fseq, uniqKey(m));
                                release.run();
                            }

                            @Override
                            public void onException(Throwable e) {
                                sendFailures.add("async #" + fseq + " (" + s.size + " bytes): " + e);
                                uniqKeys.put(fseq, String.valueOf(uniqKey(m)));
                                release.run();
                            }
                        }, Clients.SEND_TIMEOUT_MS);
                    } catch (Exception e) {
                        sendFailures.add("async #" + seq + " (submit): " + e);
                        release.run();
                    }
                }
                default -> {
                    perMode[2]++;
                    try {
                        producer.sendOneway(m);
                    } catch (Exception e) {
                        sendFailures.add("oneway #" + seq + ": " + e);
                    }
                    uniqKeys.put(seq, uniqKey(m));
                }
            }
        }
        assertTrue(Clients.await(Duration.ofSeconds(120), () -> asyncDone.get() == perMode[1]),
            "async callbacks: " + asyncDone.get() + " of " + perMode[1]);
        long sendMs = Clients.ms(t0);
        System.out.printf("[compat] sent %d messages (%d sync, %d async, %d oneway; %.1f MiB of bodies, %d of them "
                + ">= 4 KiB, %d > 1 MiB, %d of 4 MiB) in %d ms; %d failures%n", COUNT, perMode[0], perMode[1], perMode[2],
            bytes.get() / (double) MIB, countCompressed(), LARGE.size() + MAX_SIZE.size(), MAX_SIZE.size(), sendMs,
            sendFailures.size());
        assertTrue(sendFailures.isEmpty(), sendFailures.size() + " sends failed, first: "
            + sendFailures.subList(0, Math.min(20, sendFailures.size())));
        assertEquals(perMode[0] + perMode[1], sent.size(), "acknowledged sends");

        // ------------------------------------------------------------------ consume
        AtomicIntegerArray deliveries = new AtomicIntegerArray(COUNT);
        AtomicInteger distinct = new AtomicInteger();
        AtomicInteger total = new AtomicInteger();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        DefaultMQPushConsumer consumer = Clients.pushConsumer("compat_pc_consumer_" + System.currentTimeMillis(),
            namesrv.address());
        consumer.subscribe(TOPIC, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            for (MessageExt m : msgs) {
                total.incrementAndGet();
                String seqProp = m.getUserProperty("u_seq");
                int seq;
                try {
                    seq = Integer.parseInt(seqProp);
                } catch (NumberFormatException e) {
                    problems.add("message without a valid u_seq (" + seqProp + "): " + m);
                    continue;
                }
                if (deliveries.incrementAndGet(seq) == 1) {
                    distinct.incrementAndGet();
                }
                String p = check(m, spec(seq), sent.get(seq), uniqKeys.get(seq));
                if (p != null) {
                    problems.add(p);
                }
            }
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        long t1 = System.nanoTime();
        consumer.start();
        boolean all = Clients.await(Duration.ofSeconds(150), () -> distinct.get() == COUNT);
        long consumeMs = Clients.ms(t1);
        ManagedProcess.sleep(5000); // let duplicates, if any, arrive
        List<Integer> missing = new ArrayList<>();
        Map<Integer, Integer> dup = new LinkedHashMap<>();
        for (int i = 0; i < COUNT; i++) {
            int d = deliveries.get(i);
            if (d == 0) {
                missing.add(i);
            } else if (d > 1) {
                dup.put(i, d);
            }
        }
        System.out.printf("[compat] consumed %d distinct messages (%d deliveries) in %d ms; %d missing, %d "
            + "delivered more than once, %d content problems%n", distinct.get(), total.get(), consumeMs, missing.size(),
            dup.size(), problems.size());
        assertTrue(problems.isEmpty(), problems.size() + " messages differ from what was sent, first: "
            + problems.subList(0, Math.min(10, problems.size())));
        assertTrue(all && missing.isEmpty(), missing.size() + " messages never consumed, first: "
            + missing.subList(0, Math.min(30, missing.size())) + " (modes: "
            + missing.stream().limit(30).map(i -> spec(i).mode).collect(Collectors.toList()) + ")");
        assertTrue(dup.isEmpty(), dup.size() + " messages consumed more than once (seq=times): "
            + dup.entrySet().stream().limit(30).collect(Collectors.toList()));
        assertEquals(COUNT, total.get(), "deliveries");

        java.nio.file.Path commitLog = broker.store().resolve("commitlog");
        try (var files = java.nio.file.Files.list(commitLog)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().collect(Collectors.toList());
            System.out.printf("[compat] commit log files: %s%n", names);
            assertTrue(names.size() >= 2, "the messages should have filled more than one 32 MiB commit log file: "
                + names);
        }
    }

    static String uniqKey(Message m) {
        return m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    }

    static Sent sent(Message m, SendResult r) {
        return new Sent(uniqKey(m), r.getMsgId(), r.getOffsetMsgId(), r.getMessageQueue().getQueueId(),
            r.getQueueOffset());
    }

    static long countCompressed() {
        long n = 0;
        for (int i = 0; i < COUNT; i++) {
            if (spec(i).size >= 4096) {
                n++;
            }
        }
        return n;
    }

    /** null if the consumed message is the one sent as {@code s}, else what differs. */
    static String check(MessageExt m, Spec s, Sent sent, String uniqKey) {
        List<String> diffs = new ArrayList<>();
        if (!TOPIC.equals(m.getTopic())) {
            diffs.add("topic " + m.getTopic());
        }
        byte[] expected = body(s);
        if (!Arrays.equals(expected, m.getBody())) {
            diffs.add("body: " + (m.getBody() == null ? "null" : m.getBody().length + " bytes") + ", expected "
                + expected.length + " bytes" + (m.getBody() != null && m.getBody().length == expected.length
                ? " (same length, different content)" : ""));
        }
        if (!Objects.equals(s.keys, m.getKeys())) {
            diffs.add("keys '" + m.getKeys() + "', expected '" + s.keys + "'");
        }
        if (!Objects.equals(s.tag, m.getTags())) {
            diffs.add("tags '" + m.getTags() + "', expected '" + s.tag + "'");
        }
        Map<String, String> userProps = new TreeMap<>();
        m.getProperties().forEach((k, v) -> {
            if (k.startsWith("u_")) {
                userProps.put(k, v);
            }
        });
        if (!userProps.equals(new TreeMap<>(s.props))) {
            diffs.add("user properties " + userProps + ", expected " + new TreeMap<>(s.props));
        }
        // the producer compresses bodies of 4 KiB or more: sysFlag bit 0x1 (COMPRESSED_FLAG) plus, from 4.9.4 on, the
        // compression type in bits 0x700 (ZLIB = 0x300). The 5.x consumer clears 0x1 once it has decompressed the
        // body, the 4.9 consumer keeps it; either way the broker must hand back the flags it stored.
        boolean compressed = (m.getSysFlag() & 0x1) != 0 || (m.getSysFlag() & 0x700) != 0;
        if (compressed != (s.size >= 4096)) {
            diffs.add("sysFlag " + m.getSysFlag() + ": compressed=" + compressed + " for a " + s.size + "-byte body");
        }
        if (uniqKey == null || !uniqKey.equals(m.getMsgId())
            || !uniqKey.equals(m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX))) {
            diffs.add("msgId " + m.getMsgId() + " / UNIQ_KEY "
                + m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) + ", the producer set " + uniqKey);
        }
        if (sent != null) {
            if (!Objects.equals(sent.msgId, uniqKey)) {
                diffs.add("SendResult.msgId " + sent.msgId + " != UNIQ_KEY " + uniqKey);
            }
            if (sent.queueId != m.getQueueId() || sent.queueOffset != m.getQueueOffset()) {
                diffs.add("queue " + m.getQueueId() + "@" + m.getQueueOffset() + ", the send result said "
                    + sent.queueId + "@" + sent.queueOffset);
            }
            String offsetMsgId = m instanceof MessageClientExt ? ((MessageClientExt) m).getOffsetMsgId() : null;
            if (!Objects.equals(sent.offsetMsgId, offsetMsgId)) {
                diffs.add("offsetMsgId " + offsetMsgId + ", the send result said " + sent.offsetMsgId);
            }
        }
        if (m.getReconsumeTimes() != 0) {
            diffs.add("reconsumeTimes " + m.getReconsumeTimes());
        }
        String storeHost = m.getStoreHost() == null ? null
            : m.getStoreHost().toString().replaceFirst("^[^/]*/", "");
        if (!broker.address().equals(storeHost)) {
            diffs.add("storeHost " + storeHost + ", expected " + broker.address());
        }
        if (m.getStoreTimestamp() <= 0 || m.getBornTimestamp() <= 0) {
            diffs.add("timestamps born=" + m.getBornTimestamp() + " store=" + m.getStoreTimestamp());
        }
        return diffs.isEmpty() ? null : "#" + s.seq + " (" + s.mode + ", " + s.size + " bytes): "
            + String.join("; ", diffs);
    }
}
