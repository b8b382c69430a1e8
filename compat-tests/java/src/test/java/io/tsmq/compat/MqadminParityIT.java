package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario s (issue 7): every mqadmin command that applies to a master broker without DLedger, run against a Java
 * name server and broker (Maven Central jars) and against tsmq's, after the same workload on both; each pair of
 * outputs must be equal once what must differ is masked: addresses, timestamps, message and client ids, and the
 * figures that depend on timing (rates, latencies, JVM and disk state), each mask named where it is applied.
 * docs/mqadmin-inventory.md maps each command to the codes it sends.
 *
 * <p>The Java side always runs the 5.3.3 name server and broker, whatever the client version of the run: tsmq stores
 * and answers as RocketMQ 5 does, and the 4.9.8 servers are not on Maven Central. 4.9.7's differ in ways no single
 * broker can match at once (it strips WAIT from the stored properties and adds no MSG_REGION/TRACE_ON, so its records
 * are shorter and its commit-log offsets differ). So a 4.9.8 run proves the 4.9.8 tools against tsmq as they behave
 * against the 5.3.3 broker.
 *
 * <p>Tests run in order: read-only commands first, then those that change state, each on its own topic or group
 * where it would otherwise move what a later command prints.
 */
@ExtendWith(Peers.DumpOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MqadminParityIT {
    /** The Java name server and broker of both runs (see the class comment). */
    static final String JAVA_SERVERS = "5.3.3";
    static final String TOPIC = "ParityTopic";
    static final String PUSH_GROUP = "parity_push";
    static final int COUNT = 40;

    /** One implementation's name server, broker, admin client and what the workload left behind. */
    static final class Side {
        final String impl;
        final ManagedProcess namesrv;
        final BrokerUnderTest broker;
        final DefaultMQAdminExt admin;
        final List<String> msgIds = new ArrayList<>();
        final List<String> offsetMsgIds = new ArrayList<>();
        /** Messages the push group has consumed, redeliveries included. */
        final AtomicInteger consumed = new AtomicInteger();
        /** A time just before the first message was stored. */
        long startMillis;
        String clientId;
        String clientAddr;

        Side(String impl) {
            this.impl = impl;
            this.namesrv = impl.equals("java") ? Peers.startJavaNamesrv("namesrv-java", JAVA_SERVERS)
                : Peers.startTsmqNamesrv("namesrv-tsmq");
            // registrations every 10 s (the shortest Java takes), so the ORDER_TOPIC_CONFIG check sees one soon
            this.broker = BrokerUnderTest.start(impl, JAVA_SERVERS, "broker-a", namesrv.address(),
                Map.of("registerNameServerPeriod", "10000"));
            this.admin = Peers.admin(namesrv.address());
        }

        /** {ns}, {broker}, {clientId}, {msgId:i}, {offsetMsgId:i} in an argument. */
        String expand(String arg) {
            String s = arg.replace("{ns}", namesrv.address()).replace("{broker}", broker.address());
            if (clientId != null) s = s.replace("{clientId}", clientId);
            s = s.replace("{startMillis}", Long.toString(startMillis));
            Matcher m = Pattern.compile("\\{(msgId|offsetMsgId):(\\d+)}").matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                List<String> ids = m.group(1).equals("msgId") ? msgIds : offsetMsgIds;
                m.appendReplacement(out, Matcher.quoteReplacement(ids.get(Integer.parseInt(m.group(2)))));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** Masks what must differ between the two runs: addresses, ids, times. */
        String normalize(String text) {
            String s = text.replace(broker.store().getParent().toString(), "<broker-dir>")
                .replace(namesrv.dir().toString(), "<namesrv-dir>");
            s = s.replace(namesrv.address(), "<ns>").replace(broker.address(), "<broker>");
            for (int i = 0; i < msgIds.size(); i++) s = s.replace(msgIds.get(i), "<msgId:" + i + ">");
            for (int i = 0; i < offsetMsgIds.size(); i++) s = s.replace(offsetMsgIds.get(i), "<offsetMsgId:" + i + ">");
            s = s.replaceAll("\\d{1,3}(\\.\\d{1,3}){3}@[\\w#.\\-]+", "<clientId>");
            s = s.replaceAll("\\d{1,3}(\\.\\d{1,3}){3}:\\d+", "<addr>");
            s = s.replaceAll("\\b1\\d{12}\\b", "<ts>");
            s = s.replaceAll("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}([,.]\\d{3})?", "<time>");
            s = sortPropertyMaps(s);
            // the test JVM's own objects and clocks, printed by the client in its running info
            s = s.replaceAll("@[0-9a-f]{5,8}\\b", "@<hash>");
            s = s.replaceAll("\\b20\\d{12}(\\d{3})?\\b", "<time>");
            // the client's own per-minute pull and consume rates (#Consumer RT&TPS# of its running info); the
            // figures are right-aligned, so the padding before them goes with them
            s = s.replaceAll("(?m)^(\\S+)\\s+\\d+\\.\\d{2}(\\s+\\d+\\.\\d{2}){4}\\s+\\d+\\s*$", "$1 <client rates>");
            return s.strip();
        }
    }

    static Side java;
    static Side tsmq;

    private static final Pattern PROPERTY_MAP = Pattern.compile("(?<=properties=\\{|Properties:          \\{)[^{}]*(?=})");

    /**
     * A message's properties as a map, entries sorted. Java's broker stores them re-serialized from its HashMap, in
     * that map's order; tsmq appends the broker's properties to the producer's string instead (no re-serialization
     * per message). The stored maps are equal; the 4.9.8 tools print them in stored order (their own HashMap keeps
     * colliding keys in insertion order), so the order is not compared.
     */
    static String sortPropertyMaps(String text) {
        return PROPERTY_MAP.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
            String.join(", ", new TreeSet<>(Arrays.asList(m.group().split(", "))))));
    }

    @BeforeAll
    static void startBoth() throws Exception {
        Peers.beginClass(MqadminParityIT.class);
        Peers.fetchPeers(JAVA_SERVERS);
        java = new Side("java");
        tsmq = new Side("tsmq");
        for (Side s : List.of(java, tsmq)) workload(s);
    }

    @AfterAll
    static void stopBoth() {
        Peers.endClass();
    }

    /**
     * The same on both sides: a 4-queue topic, 40 keyed messages in turn on each queue, an online push group that has
     * consumed them all and whose offsets the broker holds (so progress and reset commands see the same state).
     */
    static void workload(Side s) throws Exception {
        Clients.createTopic(s.admin, s.broker, TOPIC, 4);
        s.startMillis = System.currentTimeMillis() - 1;
        DefaultMQProducer p = Clients.producer("parity_producer", s.namesrv.address());
        for (int i = 0; i < COUNT; i++) {
            Message m = new Message(TOPIC, i % 2 == 0 ? "TagA" : "TagB", "pk-" + i, ("parity body " + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = p.send(m, new MessageQueue(TOPIC, s.broker.brokerName(), i % 4));
            s.msgIds.add(r.getMsgId());
            s.offsetMsgIds.add(r.getOffsetMsgId());
        }
        DefaultMQPushConsumer c = Clients.pushConsumer(PUSH_GROUP, s.namesrv.address());
        c.subscribe(TOPIC, "*");
        AtomicInteger got = s.consumed;
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            got.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        assertTrue(Clients.await(Duration.ofSeconds(60), () -> got.get() >= COUNT), s.impl + ": the push group consumed " + got.get());
        // the client commits offsets with its next pulls and every 5 s: wait until the broker has all four
        boolean committed = Clients.await(Duration.ofSeconds(30), () -> {
            try {
                // the table also holds the group's retry queue
                var ofTopic = s.admin.examineConsumeStats(PUSH_GROUP).getOffsetTable().entrySet().stream()
                    .filter(e -> e.getKey().getTopic().equals(TOPIC)).map(Map.Entry::getValue).toList();
                return ofTopic.size() == 4 && ofTopic.stream().allMatch(w -> w.getConsumerOffset() == COUNT / 4);
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(committed, s.impl + ": the broker never held the push group's offsets at the end of each queue");
        var conn = s.admin.examineConsumerConnectionInfo(PUSH_GROUP).getConnectionSet().iterator().next();
        s.clientId = conn.getClientId();
        s.clientAddr = conn.getClientAddr();
    }

    /** Both sides' results of one command. */
    record Outputs(Peers.MqadminResult java, Peers.MqadminResult tsmq, String javaMasked, String tsmqMasked) {}

    /** Runs one command on both sides at once: the Java result, then tsmq's. */
    static Peers.MqadminResult[] runBoth(String... args) {
        CompletableFuture<Peers.MqadminResult> j = CompletableFuture.supplyAsync(() -> Peers.mqadmin(expand(java, args)));
        CompletableFuture<Peers.MqadminResult> t = CompletableFuture.supplyAsync(() -> Peers.mqadmin(expand(tsmq, args)));
        return new Peers.MqadminResult[] {j.join(), t.join()};
    }

    /** Runs one command on both sides at once and masks each output. */
    static Outputs run(String... args) {
        Peers.MqadminResult[] both = runBoth(args);
        Peers.MqadminResult jr = both[0];
        Peers.MqadminResult tr = both[1];
        String what = "mqadmin " + String.join(" ", args);
        assertEquals(jr.exitCode(), tr.exitCode(), what + " exit code\n" + jr.describe() + "\n" + tr.describe());
        assertFalse(jr.stdout().isBlank(), what + ": the Java side printed nothing\n" + jr.describe());
        return new Outputs(jr, tr, java.normalize(jr.stdout()), tsmq.normalize(tr.stdout()));
    }

    static String[] expand(Side s, String[] args) {
        return Arrays.stream(args).map(s::expand).toArray(String[]::new);
    }

    /** Runs one command on both sides; the masked outputs, after {@code mask}, must be equal. */
    static Outputs parity(UnaryOperator<String> mask, String... args) {
        Outputs o = run(args);
        assertEquals(mask.apply(o.javaMasked()), mask.apply(o.tsmqMasked()), "mqadmin " + String.join(" ", args)
            + "\n--- java (masked)\n" + o.javaMasked() + "\n--- tsmq (masked)\n" + o.tsmqMasked());
        return o;
    }

    static Outputs parity(String... args) {
        return parity(UnaryOperator.identity(), args);
    }

    /**
     * The Java 5.3.3 broker answers QUERY_TOPIC_CONSUME_BY_WHO with the topic's own name among the groups once a consumer
     * of it has sent a heartbeat: ConsumerManager#registerConsumer adds the subscription's topic where it means the
     * group (tag rocketmq-all-5.3.3, ConsumerManager.java lines 244 and 295; fixed upstream after 5.3.3 by 577371e208
     * and 921664f400). mqadmin then prints that "group" in message tracks and statsAll. tsmq does not copy the bug:
     * these lines are taken out of the Java side's output only.
     */
    static String withoutJava533TopicAsGroup(String javaText) {
        return javaText.replaceAll("(?s)MessageTrack \\[consumerGroup=" + TOPIC + ", trackType=UNKNOWN, .*?\\)\\]\\n?", "")
            .replaceAll("(?m)^" + TOPIC + "\\s+" + TOPIC + "\\s.*\\n?", "");
    }

    /** {@link #parity(String...)} with the Java 5.3.3 topic-as-group lines taken out of the Java side's output. */
    static void parityBut533TopicAsGroup(String... args) {
        Outputs o = run(args);
        String javaFixed = Peers.serverVersion(JAVA_SERVERS).equals("5.3.3") ? withoutJava533TopicAsGroup(o.javaMasked()) : o.javaMasked();
        assertEquals(javaFixed.strip(), o.tsmqMasked(), "mqadmin " + String.join(" ", args)
            + "\n--- java (masked)\n" + o.javaMasked() + "\n--- tsmq (masked)\n" + o.tsmqMasked());
    }

    /** Runs a command that fails on the Java side; the causes on stderr, masked, must be equal. */
    static void parityOfFailure(String... args) {
        Peers.MqadminResult[] both = runBoth(args);
        Peers.MqadminResult jr = both[0];
        Peers.MqadminResult tr = both[1];
        String what = "mqadmin " + String.join(" ", args);
        String jc = java.normalize(cause(jr.stderr()));
        assertFalse(jc.isEmpty(), what + ": the Java side did not fail\n" + jr.describe());
        assertEquals(jc, tsmq.normalize(cause(tr.stderr())), what + "\n" + jr.describe() + "\n" + tr.describe());
        assertEquals(java.normalize(jr.stdout()), tsmq.normalize(tr.stdout()), what + " stdout");
    }

    /** The innermost "Caused by" line of a stack trace (the broker's answer, for a failed request). */
    static String cause(String stderr) {
        String last = "";
        for (String line : stderr.split("\n")) {
            if (line.startsWith("Caused by: ")) last = line.replaceAll("BROKER: \\S+", "BROKER: <addr>");
        }
        return last;
    }

    /** Masks the values of the named keys of a "key : value" or "key = value" listing. */
    static UnaryOperator<String> maskKeys(String... keys) {
        return text -> {
            String s = text;
            for (String k : keys) s = s.replaceAll("(?m)^(" + Pattern.quote(k) + "\\s*[:=]).*$", "$1 <masked>");
            return s;
        };
    }

    /** Masks the values of every key but the named ones: for listings of mostly timing-dependent figures. */
    static UnaryOperator<String> keepKeys(String... keys) {
        Set<String> keep = Set.of(keys);
        return text -> text.lines().map(line -> {
            int colon = line.indexOf(':');
            if (colon < 0) return line;
            String key = line.substring(0, colon).strip();
            return keep.contains(key) ? line.replaceAll("\\s+", " ") : key + ": <masked>";
        }).reduce("", (a, b) -> a + b + "\n");
    }

    /** The lines of a listing as a sorted multiset: for commands that print a hash map's order. */
    static String sortedLines(String text) {
        return text.lines().sorted().reduce("", (a, b) -> a + b + "\n");
    }

    // ------------------------------------------------------------------------------------------ read-only commands

    @Test @Order(1)
    void topicRoute() {
        parity("topicRoute", "-n", "{ns}", "-t", TOPIC);
    }

    @Test @Order(1)
    void topicStatus() {
        parity("topicStatus", "-n", "{ns}", "-t", TOPIC);
    }

    @Test @Order(1)
    void topicList() {
        parity(MqadminParityIT::sortedLines, "topicList", "-n", "{ns}");
    }

    @Test @Order(1)
    void topicClusterList() {
        parity("topicClusterList", "-n", "{ns}", "-t", TOPIC);
    }

    @Test @Order(1)
    void allocateMQ() {
        parity("allocateMQ", "-n", "{ns}", "-t", TOPIC, "-i", "10.0.0.1,10.0.0.2");
    }

    @Test @Order(1)
    void clusterList() {
        // rates and the age of the oldest message depend on when each side's workload ran;
        // the timer wheel's read and offset lag (#Timer) moves on its own in Java. The columns are padded to the
        // width of those figures, so the runs of spaces are compared as one space.
        parity(text -> text.replaceAll("\\d+\\.\\d{2}\\(", "<tps>(").replaceAll("\\d+-\\d+\\(", "<timer>(")
                .replaceAll("(?m)(\\s)\\d+\\.\\d{2}(\\s+\\d\\.\\d{4})", "$1<hours>$2").replaceAll("[ \\t]+", " "),
            "clusterList", "-n", "{ns}");
    }

    @Test @Order(1)
    void brokerStatus() {
        // every key of Java's runtime table; the values compared are those that do not depend on timing (the Java timer
        // wheel's timerReadBehind and timerOffsetBehind move on their own, as in clusterList's #Timer). To 4.x tools
        // tsmq also gives 4.x's getTransferedTps (one r), which their clusterList reads for OutTPS, as a 4.9 broker
        // does; the 5.3.3 broker has only getTransferredTps
        UnaryOperator<String> without4xKey = text -> text.replaceAll("(?m)^getTransferedTps\\s*:.*\\n?", "");
        UnaryOperator<String> keep = keepKeys("EndTransactionQueueSize", "EndTransactionThreadPoolQueueCapacity", "ackThreadPoolQueueCapacity",
                "ackThreadPoolQueueHeadWaitTimeMills", "ackThreadPoolQueueSize", "brokerActive", "brokerVersion",
                "brokerVersionDesc", "commitLogDiskRatio", "commitLogMaxOffset", "commitLogMinOffset", "consumeQueueDiskRatio",
                "dispatchBehindBytes", "dispatchMaxBuffer", "litePullThreadPoolQueueCapacity",
                "litePullThreadPoolQueueHeadWaitTimeMills", "litePullThreadPoolQueueSize", "msgGetTotalTodayMorning",
                "msgGetTotalYesterdayMorning", "msgPutTotalTodayMorning", "msgPutTotalTodayNow",
                "msgPutTotalYesterdayMorning", "pageCacheLockTimeMills", "pullThreadPoolQueueCapacity",
                "pullThreadPoolQueueHeadWaitTimeMills", "pullThreadPoolQueueSize", "putMessageAverageSize",
                "putMessageFailedTimes", "putMessageSizeTotal", "putMessageTimesTotal", "queryThreadPoolQueueCapacity",
                "queryThreadPoolQueueHeadWaitTimeMills", "queryThreadPoolQueueSize", "remainHowManyDataToFlush",
                "remainTransientStoreBufferNumbs", "sendThreadPoolQueueCapacity", "sendThreadPoolQueueHeadWaitTimeMills",
                "sendThreadPoolQueueSize", "startAcceptSendRequestTimeStamp", "timerCongestNum", "timerDequeueTps",
                "timerEnqueueTps");
        parity(text -> keep.apply(without4xKey.apply(text)), "brokerStatus", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(1)
    void getBrokerConfig() {
        // Java prints its Properties in hash order; ports and ROCKETMQ_HOME are each side's own; readCacheSizeCommitLog
        // is tsmq's one key of its own (the page-cache model of its read path)
        parity(text -> sortedLines(maskKeys("listenPort", "haListenPort", "rocketmqHome").apply(text)
                .replaceAll("(?m)^readCacheSizeCommitLog\\s*=.*\\n?", "")),
            "getBrokerConfig", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(1)
    void brokerConsumeStats() {
        parity(MqadminParityIT::sortedLines, "brokerConsumeStats", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(1)
    void consumerConnection() {
        parity("consumerConnection", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test @Order(1)
    void producerConnection() {
        parity("producerConnection", "-n", "{ns}", "-g", "parity_producer", "-t", TOPIC);
    }

    @Test @Order(1)
    void producer() {
        parity("producer", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(1)
    void consumerProgress() {
        parity("consumerProgress", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test @Order(1)
    void consumerProgressWithClients() {
        parity("consumerProgress", "-n", "{ns}", "-g", PUSH_GROUP, "-s", "true");
    }

    @Test @Order(1)
    void consumerProgressAll() {
        parity("consumerProgress", "-n", "{ns}");
    }

    @Test @Order(1)
    void consumerStatus() {
        parity("consumerStatus", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test @Order(1)
    void consumerStatusOfOneClient() {
        // the client's own instance name differs per side (the test JVM numbers its clients)
        parity(maskKeys("instanceName"), "consumerStatus", "-n", "{ns}", "-g", PUSH_GROUP, "-i", "{clientId}");
    }

    @Test @Order(1)
    void getConsumerConfig() {
        parity("getConsumerConfig", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test @Order(1)
    void queryMsgById() {
        parityBut533TopicAsGroup("queryMsgById", "-n", "{ns}", "-i", "{offsetMsgId:3}");
    }

    @Test @Order(1)
    void queryMsgByKey() {
        parity("queryMsgByKey", "-n", "{ns}", "-t", TOPIC, "-k", "pk-3");
    }

    @Test @Order(1)
    void queryMsgByUniqueKey() {
        parityBut533TopicAsGroup("queryMsgByUniqueKey", "-n", "{ns}", "-t", TOPIC, "-i", "{msgId:3}");
    }

    @Test @Order(1)
    void queryMsgByOffset() {
        parityBut533TopicAsGroup("queryMsgByOffset", "-n", "{ns}", "-t", TOPIC, "-b", "broker-a", "-i", "0", "-o", "1");
    }

    @Test @Order(1)
    void printMsg() {
        parity("printMsg", "-n", "{ns}", "-t", TOPIC);
    }

    @Test @Order(1)
    void consumeMessage() {
        parity("consumeMessage", "-n", "{ns}", "-t", TOPIC, "-b", "broker-a", "-i", "2", "-o", "3", "-c", "2");
    }

    @Test @Order(1)
    void queryCq() {
        parity("queryCq", "-n", "{ns}", "-t", TOPIC, "-q", "0", "-i", "0", "-c", "5");
    }

    @Test @Order(1)
    void statsAll() {
        parityBut533TopicAsGroup("statsAll", "-n", "{ns}", "-t", TOPIC);
    }

    @Test @Order(1)
    void getNamesrvConfig() {
        // configStorePath: each side's default under its own home; ports are each side's own
        parity(text -> sortedLines(maskKeys("listenPort", "configStorePath", "rocketmqHome").apply(text)),
            "getNamesrvConfig", "-n", "{ns}");
    }

    /** GET_CONSUMER_STATUS_FROM_CLIENT through INVOKE_BROKER_TO_GET_CONSUMER_STATUS: no mqadmin command sends it. */
    @Test @Order(1)
    void getConsumeStatusThroughTheBroker() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (Side s : List.of(java, tsmq)) {
            Map<String, Map<MessageQueue, Long>> status = s.admin.getConsumeStatus(TOPIC, PUSH_GROUP, "");
            Map<String, String> perClient = new TreeMap<>();
            status.forEach((client, table) -> perClient.put(client.equals(s.clientId) ? "<clientId>" : client,
                queueIdKeyed(table)));
            out.put(s.impl, perClient.toString());
        }
        assertEquals(out.get("java"), out.get("tsmq"));
        assertFalse(out.get("java").equals("{}"), "the Java broker gathered no client");
    }

    static String queueIdKeyed(Map<MessageQueue, Long> table) {
        Map<Integer, Long> byQueue = new TreeMap<>();
        table.forEach((mq, offset) -> byQueue.put(mq.getQueueId(), offset));
        return byQueue.toString();
    }

    /** CONSUME_MESSAGE_DIRECTLY, forwarded by the broker to the named client. */
    @Test @Order(2)
    void queryMsgByIdConsumedDirectly() {
        // the time the client spent consuming is its own
        parity(text -> text.replaceAll("spentTimeMills=\\d+", "spentTimeMills=<ms>"),
            "queryMsgById", "-n", "{ns}", "-i", "{offsetMsgId:5}", "-g", PUSH_GROUP, "-d", "{clientId}");
    }

    // ------------------------------------------------------------------------------------------ state changes

    @Test @Order(3)
    void updateTopic() {
        parity("updateTopic", "-n", "{ns}", "-b", "{broker}", "-t", "ParityNewTopic", "-r", "2", "-w", "2");
    }

    @Test @Order(4)
    void deleteTopic() {
        parity("deleteTopic", "-n", "{ns}", "-c", Peers.CLUSTER, "-t", "ParityNewTopic");
    }

    @Test @Order(3)
    void updateTopicPerm() {
        parity("updateTopicPerm", "-n", "{ns}", "-b", "{broker}", "-t", TOPIC, "-p", "6");
    }

    @Test @Order(3)
    void updateOrderConf() {
        parity("updateOrderConf", "-n", "{ns}", "-t", "ParityOrderTopic", "-v", "broker-a:4", "-m", "put");
    }

    @Test @Order(4)
    void getOrderConf() {
        parity("updateOrderConf", "-n", "{ns}", "-t", "ParityOrderTopic", "-m", "get");
    }

    @Test @Order(3)
    void updateSubGroup() {
        parity("updateSubGroup", "-n", "{ns}", "-b", "{broker}", "-g", "parity_sub");
    }

    @Test @Order(4)
    void deleteSubGroup() {
        parity("deleteSubGroup", "-n", "{ns}", "-b", "{broker}", "-g", "parity_sub");
    }

    @Test @Order(3)
    void updateKvConfig() {
        parity("updateKvConfig", "-n", "{ns}", "-s", "parity_ns", "-k", "k1", "-v", "v1");
    }

    @Test @Order(4)
    void deleteKvConfig() {
        parity("deleteKvConfig", "-n", "{ns}", "-s", "parity_ns", "-k", "k1");
    }

    @Test @Order(3)
    void updateNamesrvConfig() {
        parity("updateNamesrvConfig", "-n", "{ns}", "-k", "clusterTest", "-v", "false");
    }

    @Test @Order(3)
    void updateBrokerConfig() {
        parity("updateBrokerConfig", "-n", "{ns}", "-b", "{broker}", "-k", "maxMessageSize", "-v", "4194304");
    }

    @Test @Order(3)
    void sendMessage() {
        // the producer picks its first queue at random; the id is new
        parity(text -> text.replaceAll("(?m)^(broker-a\\s+)\\d+(\\s+SEND_OK\\s+)[0-9A-F]{32}", "$1<queue>$2<msgId>"),
            "sendMessage", "-n", "{ns}", "-t", "ParitySendTopic", "-p", "hello");
    }

    @Test @Order(3)
    void cleanExpiredCQ() {
        parity("cleanExpiredCQ", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(3)
    void cleanUnusedTopic() {
        parity("cleanUnusedTopic", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(3)
    void deleteExpiredCommitLog() {
        parity("deleteExpiredCommitLog", "-n", "{ns}", "-b", "{broker}");
    }

    @Test @Order(5)
    void resetOffsetByTime() {
        parity("resetOffsetByTime", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC, "-s", "now");
    }

    @Test @Order(6)
    void skipAccumulatedMessage() {
        parity("skipAccumulatedMessage", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC);
    }

    /** 5.x stores offsets only for groups it knows: to a new group the clone fails with the broker's answer. */
    @Test @Order(7)
    void cloneGroupOffsetToAnUnknownGroup() {
        parityOfFailure("cloneGroupOffset", "-n", "{ns}", "-s", PUSH_GROUP, "-d", "parity_unknown", "-t", TOPIC);
    }

    @Test @Order(7)
    void cloneGroupOffset() {
        parity("updateSubGroup", "-n", "{ns}", "-b", "{broker}", "-g", "parity_clone");
        parity("cloneGroupOffset", "-n", "{ns}", "-s", PUSH_GROUP, "-d", "parity_clone", "-t", TOPIC);
        // groups come in each broker's table order (Java: a ConcurrentHashMap)
        parity(MqadminParityIT::sortedLines, "brokerConsumeStats", "-n", "{ns}", "-b", "{broker}");
        // an offline group without a retry topic: both fail on the route lookup
        parityOfFailure("consumerProgress", "-n", "{ns}", "-g", "parity_clone");
    }

    /**
     * updateOrderConf only writes the name servers' ORDER_TOPIC_CONFIG table; the broker takes it from the answer to its
     * next periodic registration and marks the topic ordered, which brokerConsumeStats -o true then lists.
     */
    @Test @Order(8)
    void orderConfMarksTheTopicOrderedOnTheBroker() throws Exception {
        parity("updateOrderConf", "-n", "{ns}", "-t", TOPIC, "-v", "broker-a:4", "-m", "put");
        for (Side s : List.of(java, tsmq)) {
            Peers.waitUntil(s.impl + " broker marks " + TOPIC + " ordered", Duration.ofSeconds(40), () ->
                s.admin.getAllTopicConfig(s.broker.address(), 5000).getTopicConfigTable().get(TOPIC).isOrder());
        }
        parity(MqadminParityIT::sortedLines, "brokerConsumeStats", "-n", "{ns}", "-b", "{broker}", "-o", "true");
    }

    /** A reset to before the first message: both brokers make the online group consume all 40 again. */
    @Test @Order(9)
    void resetOffsetByTimeToTheStartRedelivers() {
        int javaBefore = java.consumed.get();
        int tsmqBefore = tsmq.consumed.get();
        parity("resetOffsetByTime", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC, "-s", "{startMillis}");
        Clients.await(Duration.ofSeconds(60), () -> java.consumed.get() >= javaBefore + COUNT && tsmq.consumed.get() >= tsmqBefore + COUNT);
        assertEquals(javaBefore + COUNT, java.consumed.get(), "the Java side consumed the topic again");
        assertEquals(tsmqBefore + COUNT, tsmq.consumed.get(), "tsmq consumed the topic again");
    }

    /**
     * With useServerSideResetOffset=false (4.x's way, still a 5.3.3 key) a broker hands the reset to the online
     * consumers as RESET_CONSUMER_CLIENT_OFFSET: each client moves its queues back and consumes all 40 again.
     */
    @Test @Order(10)
    void resetOffsetByTimePushedToTheClients() throws Exception {
        parity("updateBrokerConfig", "-n", "{ns}", "-b", "{broker}", "-k", "useServerSideResetOffset", "-v", "false");
        for (Side s : List.of(java, tsmq)) {
            assertEquals("false", s.admin.getBrokerConfig(s.broker.address()).getProperty("useServerSideResetOffset"),
                s.impl + " broker took useServerSideResetOffset=false");
        }
        int javaBefore = java.consumed.get();
        int tsmqBefore = tsmq.consumed.get();
        parity("resetOffsetByTime", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC, "-s", "{startMillis}");
        Clients.await(Duration.ofSeconds(60), () -> java.consumed.get() >= javaBefore + COUNT && tsmq.consumed.get() >= tsmqBefore + COUNT);
        assertEquals(javaBefore + COUNT, java.consumed.get(), "the Java side consumed the topic again");
        assertEquals(tsmqBefore + COUNT, tsmq.consumed.get(), "tsmq consumed the topic again");
    }

    @Test @Order(8)
    void wipeAndAddWritePerm() {
        parity("wipeWritePerm", "-n", "{ns}", "-b", "broker-a");
        parity("addWritePerm", "-n", "{ns}", "-b", "broker-a");
    }
}
