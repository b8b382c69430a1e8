package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario s (issue 7, WORK IN PROGRESS): every mqadmin command that applies to a master broker without DLedger, run
 * against a Java name server and broker (Maven Central jars) and against tsmq's, after the same workload on both;
 * each pair of outputs must be equal once what must differ is masked: addresses, timestamps, message and client ids,
 * rates and sizes that depend on timing. docs/mqadmin-inventory.md maps each command to the codes it sends.
 *
 * <p>First run (4.9.8 tools, Java 4.9.7 servers vs tsmq, JSON): 22 of 33 commands equal after masking. Differences
 * found, to work through:
 * <ul>
 *   <li>stored properties: Java 4.9.7 stores {KEYS, UNIQ_KEY, CLUSTER, TAGS} (it strips WAIT before storing and
 *       re-serializes the map); tsmq keeps the client's WAIT and adds MSG_REGION and TRACE_ON (5.x behaviour), so
 *       records are 50 bytes longer: queryMsgById/ByUniqueKey/ByOffset, printMsg, queryCq differ in storeSize,
 *       CommitLog offsets and Properties. Check what 5.3.3 stores before deciding per client version;</li>
 *   <li>topicList: order (Java prints its HashMap order) and tsmq's 5.x system topics (rmq_sys_wheel_timer,
 *       RMQ_SYS_TRANS_OP_HALF_TOPIC): compare as sets, allow the 5.x ones;</li>
 *   <li>sendMessage: the queue the client picks first differs run to run: mask the queue id;</li>
 *   <li>resetOffsetByTime: Java answered "THe consumer group <g> not exist" because the push consumer had not yet
 *       persisted offsets for every queue: wait for committed offsets in the workload, compare stderr's cause
 *       when stdout is empty;</li>
 *   <li>clusterList: #Hour (Java 4.9.7 reports earliestMessageTimeStamp -1), #SPACE (Java 0.2 vs tsmq 0.07 on the
 *       same disk: find Java's formula), version;</li>
 *   <li>brokerStatus, getBrokerConfig: compare key sets (Java's within tsmq's) and the values that are config.</li>
 * </ul>
 * Second run (5.3.3 tools and servers vs tsmq, JSON): 23 of 33 equal; stored properties agree with 5.3.3 (so the
 * 4.9.7 differences above are the version tsmq follows). Left:
 * <ul>
 *   <li>resetOffsetByTime -s now: Java resets to the max offset (10), tsmq to the last message (9): a timestamp after
 *       the newest message must give the max offset (5.x lookup);</li>
 *   <li>disk ratio: Java's commitLogDiskRatio is used / (used + usable) (df's view), tsmq's used / total; this also
 *       moves tsmq's retention thresholds (diskMaxUsedSpaceRatio). Check UtilAll#getDiskPartitionSpaceUsedPercent;</li>
 *   <li>clusterList: a 5.x runtime-info key behind "0,0ms|0,0ms" (tsmq prints N,Nms), #Hour;</li>
 *   <li>queryMsgByUniqueKey/ByOffset message track: Java 5.3.3 lists the topic itself as a consumer group (its
 *       QUERY_TOPIC_CONSUME_BY_WHO answer), tsmq does not;</li>
 *   <li>cloneGroupOffset failed on Java (see its stderr), which then changes statsAll: order the state-changing
 *       commands or give them their own groups;</li>
 *   <li>topicList (rmq_sys_REVIVE_LOG_&lt;cluster&gt;), brokerStatus (ack thread-pool keys), getBrokerConfig keys.</li>
 * </ul>
 */
@ExtendWith(Peers.DumpOnFailure.class)
class MqadminParityIT {
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

        Side(String impl) {
            this.impl = impl;
            this.namesrv = impl.equals("java") ? Peers.startJavaNamesrv("namesrv-java") : Peers.startTsmqNamesrv("namesrv-tsmq");
            this.broker = BrokerUnderTest.start(impl, "broker-a", namesrv.address(), Map.of());
            this.admin = Peers.admin(namesrv.address());
        }

        /** {ns}, {broker}, {msgId:i}, {offsetMsgId:i} in an argument. */
        String expand(String arg) {
            String s = arg.replace("{ns}", namesrv.address()).replace("{broker}", broker.address());
            Matcher m = Pattern.compile("\\{(msgId|offsetMsgId):(\\d+)}").matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                List<String> ids = m.group(1).equals("msgId") ? msgIds : offsetMsgIds;
                m.appendReplacement(out, Matcher.quoteReplacement(ids.get(Integer.parseInt(m.group(2)))));
            }
            m.appendTail(out);
            return out.toString();
        }

        /** Masks what must differ between the two runs. */
        String normalize(String text) {
            String s = text.replace(namesrv.address(), "<ns>").replace(broker.address(), "<broker>");
            for (int i = 0; i < msgIds.size(); i++) s = s.replace(msgIds.get(i), "<msgId:" + i + ">");
            for (int i = 0; i < offsetMsgIds.size(); i++) s = s.replace(offsetMsgIds.get(i), "<offsetMsgId:" + i + ">");
            s = s.replaceAll("\\d{1,3}(\\.\\d{1,3}){3}@[\\w#.\\-]+", "<clientId>");
            s = s.replaceAll("\\d{1,3}(\\.\\d{1,3}){3}:\\d+", "<addr>");
            s = s.replaceAll("\\b1\\d{12}\\b", "<ts>");
            s = s.replaceAll("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}([,.]\\d{3})?", "<time>");
            return s.strip();
        }
    }

    static Side java;
    static Side tsmq;

    @BeforeAll
    static void startBoth() throws Exception {
        Peers.beginClass(MqadminParityIT.class);
        java = new Side("java");
        tsmq = new Side("tsmq");
        for (Side s : List.of(java, tsmq)) workload(s);
    }

    @AfterAll
    static void stopBoth() {
        Peers.endClass();
    }

    /** The same on both sides: a 4-queue topic, 40 keyed messages in turn on each queue, an online push group. */
    static void workload(Side s) throws Exception {
        Clients.createTopic(s.admin, s.broker, TOPIC, 4);
        DefaultMQProducer p = Clients.producer("parity_producer", s.namesrv.address());
        for (int i = 0; i < COUNT; i++) {
            Message m = new Message(TOPIC, i % 2 == 0 ? "TagA" : "TagB", "pk-" + i, ("parity body " + i).getBytes(StandardCharsets.UTF_8));
            SendResult r = p.send(m, new MessageQueue(TOPIC, s.broker.brokerName(), i % 4));
            s.msgIds.add(r.getMsgId());
            s.offsetMsgIds.add(r.getOffsetMsgId());
        }
        DefaultMQPushConsumer c = Clients.pushConsumer(PUSH_GROUP, s.namesrv.address());
        c.subscribe(TOPIC, "*");
        java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger();
        c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            got.addAndGet(msgs.size());
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        c.start();
        Clients.await(Duration.ofSeconds(60), () -> got.get() >= COUNT);
    }

    /** Runs one command on both sides and compares the masked outputs; returns them (java, tsmq) for extra checks. */
    static String[] parity(String... args) {
        Map<String, String> outs = new LinkedHashMap<>();
        Map<String, Peers.MqadminResult> raw = new LinkedHashMap<>();
        for (Side s : List.of(java, tsmq)) {
            String[] expanded = new String[args.length];
            for (int i = 0; i < args.length; i++) expanded[i] = s.expand(args[i]);
            Peers.MqadminResult r = Peers.mqadmin(expanded);
            raw.put(s.impl, r);
            outs.put(s.impl, s.normalize(r.stdout()));
        }
        String what = "mqadmin " + String.join(" ", args);
        assertEquals(raw.get("java").exitCode(), raw.get("tsmq").exitCode(), what + " exit code\n" + raw.get("java").describe() + "\n" + raw.get("tsmq").describe());
        org.junit.jupiter.api.Assertions.assertFalse(outs.get("java").isBlank(), what + ": the Java side printed nothing\n" + raw.get("java").describe());
        assertEquals(outs.get("java"), outs.get("tsmq"), what + "\n--- java (masked)\n" + outs.get("java") + "\n--- tsmq (masked)\n" + outs.get("tsmq"));
        return new String[] {outs.get("java"), outs.get("tsmq")};
    }

    @Test
    void topicRoute() {
        parity("topicRoute", "-n", "{ns}", "-t", TOPIC);
    }

    @Test
    void topicStatus() {
        parity("topicStatus", "-n", "{ns}", "-t", TOPIC);
    }

    @Test
    void queryMsgByKey() {
        parity("queryMsgByKey", "-n", "{ns}", "-t", TOPIC, "-k", "pk-3");
    }

    @Test
    void consumerConnection() {
        parity("consumerConnection", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test
    void topicList() {
        parity("topicList", "-n", "{ns}");
    }

    @Test
    void topicClusterList() {
        parity("topicClusterList", "-n", "{ns}", "-t", TOPIC);
    }

    @Test
    void allocateMQ() {
        parity("allocateMQ", "-n", "{ns}", "-t", TOPIC, "-i", "10.0.0.1,10.0.0.2");
    }

    @Test
    void clusterList() {
        parity("clusterList", "-n", "{ns}");
    }

    @Test
    void updateTopic() {
        parity("updateTopic", "-n", "{ns}", "-b", "{broker}", "-t", "ParityNewTopic", "-r", "2", "-w", "2");
    }

    @Test
    void updateTopicPerm() {
        parity("updateTopicPerm", "-n", "{ns}", "-b", "{broker}", "-t", TOPIC, "-p", "6");
    }

    @Test
    void updateAndDeleteSubGroup() {
        parity("updateSubGroup", "-n", "{ns}", "-b", "{broker}", "-g", "parity_sub");
    }

    @Test
    void consumerProgress() {
        parity("consumerProgress", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test
    void consumerProgressAll() {
        parity("consumerProgress", "-n", "{ns}");
    }

    @Test
    void producerConnection() {
        parity("producerConnection", "-n", "{ns}", "-g", "parity_producer", "-t", TOPIC);
    }

    @Test
    void consumerStatus() {
        parity("consumerStatus", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test
    void getConsumerConfig() {
        parity("getConsumerConfig", "-n", "{ns}", "-g", PUSH_GROUP);
    }

    @Test
    void queryMsgById() {
        parity("queryMsgById", "-n", "{ns}", "-i", "{offsetMsgId:3}");
    }

    @Test
    void queryMsgByUniqueKey() {
        parity("queryMsgByUniqueKey", "-n", "{ns}", "-t", TOPIC, "-i", "{msgId:3}");
    }

    @Test
    void queryMsgByOffset() {
        parity("queryMsgByOffset", "-n", "{ns}", "-t", TOPIC, "-b", "broker-a", "-i", "0", "-o", "1");
    }

    @Test
    void printMsg() {
        parity("printMsg", "-n", "{ns}", "-t", TOPIC);
    }

    @Test
    void queryCq() {
        parity("queryCq", "-n", "{ns}", "-t", TOPIC, "-q", "0", "-i", "0", "-c", "5");
    }

    @Test
    void brokerConsumeStats() {
        parity("brokerConsumeStats", "-n", "{ns}", "-b", "{broker}");
    }

    @Test
    void statsAll() {
        parity("statsAll", "-n", "{ns}", "-t", TOPIC);
    }

    @Test
    void updateKvConfig() {
        parity("updateKvConfig", "-n", "{ns}", "-s", "parity_ns", "-k", "k1", "-v", "v1");
    }

    @Test
    void cleanExpiredCQ() {
        parity("cleanExpiredCQ", "-n", "{ns}", "-b", "{broker}");
    }

    @Test
    void cleanUnusedTopic() {
        parity("cleanUnusedTopic", "-n", "{ns}", "-b", "{broker}");
    }

    @Test
    void deleteExpiredCommitLog() {
        parity("deleteExpiredCommitLog", "-n", "{ns}", "-b", "{broker}");
    }

    @Test
    void sendMessage() {
        parity("sendMessage", "-n", "{ns}", "-t", "ParitySendTopic", "-p", "hello");
    }

    @Test
    void resetOffsetByTime() {
        parity("resetOffsetByTime", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC, "-s", "now");
    }

    @Test
    void skipAccumulatedMessage() {
        parity("skipAccumulatedMessage", "-n", "{ns}", "-g", PUSH_GROUP, "-t", TOPIC);
    }

    @Test
    void cloneGroupOffset() {
        parity("cloneGroupOffset", "-n", "{ns}", "-s", PUSH_GROUP, "-d", "parity_clone", "-t", TOPIC);
    }

    @Test
    void brokerStatus() {
        parity("brokerStatus", "-n", "{ns}", "-b", "{broker}");
    }

    @Test
    void getBrokerConfig() {
        parity("getBrokerConfig", "-n", "{ns}", "-b", "{broker}");
    }
}
