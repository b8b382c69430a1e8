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
        for (Side s : List.of(java, tsmq)) {
            String[] expanded = new String[args.length];
            for (int i = 0; i < args.length; i++) expanded[i] = s.expand(args[i]);
            Peers.MqadminResult r = Peers.mqadmin(expanded);
            outs.put(s.impl, s.normalize(r.stdout()));
        }
        assertEquals(outs.get("java"), outs.get("tsmq"), "mqadmin " + String.join(" ", args));
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
}
