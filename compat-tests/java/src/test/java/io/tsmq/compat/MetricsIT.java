package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.rocketmq.client.consumer.DefaultMQPullConsumer;
import org.apache.rocketmq.client.consumer.PullResult;
import org.apache.rocketmq.client.consumer.PullStatus;
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
 * Scenario q: the Prometheus endpoint (broker.conf metricsExporterType=PROM) after a known workload.
 * <ul>
 *   <li>100 messages are sent synchronously to a topic of 4 queues (25 a queue).</li>
 *   <li>A pull consumer of group G, registered for the topic (heartbeat), pulls 10 messages from each queue and commits
 *       offset 5 on each.</li>
 *   <li>A second group pulls every message, to learn each stored record's size.</li>
 * </ul>
 * Then /metrics must say, for the topic: {@code rocketmq_messages_in_total} 100; {@code rocketmq_throughput_in_total}
 * the sum of the stored sizes; {@code rocketmq_message_size} 100 observations summing to the same; for G
 * {@code rocketmq_messages_out_total} 40 and {@code rocketmq_throughput_out_total} their stored sizes;
 * {@code rocketmq_consumer_lag_messages} 80 (4 × (25 − 5)), with inflight + ready adding up to the lag;
 * {@code rocketmq_rpc_latency_milliseconds_count} 100 for send_message_v2/success; connections, and the common labels
 * (cluster, node_type, node_id). The same test passes against the Java 5.3.3 broker ({@code --broker java}), whose
 * exporter defines these names.
 */
@ExtendWith(Peers.DumpOnFailure.class)
class MetricsIT {
    static final String TOPIC = "CompatMetrics";
    static final int QUEUES = 4;
    static final int COUNT = 100;
    static final int PULLED = 10;
    static final int COMMITTED = 5;

    static ManagedProcess namesrv;
    static BrokerUnderTest broker;
    static DefaultMQAdminExt admin;
    static int metricsPort;

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(MetricsIT.class);
        namesrv = Peers.startNamesrvUnderTest("namesrv");
        metricsPort = Peers.freePort();
        broker = BrokerUnderTest.start("broker-a", namesrv.address(), Map.of(
            "metricsExporterType", "PROM",
            "metricsPromExporterHost", "127.0.0.1",
            "metricsPromExporterPort", String.valueOf(metricsPort)));
        admin = Peers.admin(namesrv.address());
        Clients.createTopic(admin, broker, TOPIC, QUEUES);
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    @Test
    @SuppressWarnings("deprecation")
    void countsAndLagAddUp() throws Exception {
        DefaultMQProducer producer = Clients.producer("compat_metrics_producer", namesrv.address());
        for (int i = 0; i < COUNT; i++) {
            MessageQueue mq = new MessageQueue(TOPIC, broker.brokerName(), i % QUEUES);
            SendResult r = producer.send(new Message(TOPIC, "TagM", "mk-" + i, ("metrics body " + i).getBytes(StandardCharsets.UTF_8)), mq);
            assertEquals(SendStatus.SEND_OK, r.getSendStatus(), "send " + i);
        }

        String group = "compat_metrics_" + System.currentTimeMillis();
        DefaultMQPullConsumer pc = new DefaultMQPullConsumer(group);
        pc.setNamesrvAddr(namesrv.address());
        pc.setInstanceName(Peers.uniqueInstanceName(group));
        pc.setRegisterTopics(Set.of(TOPIC));
        Peers.closeAtEnd(pc::shutdown);
        pc.start();
        Clients.heartbeat(pc);
        long pulledBytes = 0;
        List<MessageQueue> mqs = new ArrayList<>(new TreeSet<>(pc.fetchSubscribeMessageQueues(TOPIC)));
        assertEquals(QUEUES, mqs.size(), "queues of " + TOPIC);
        for (MessageQueue mq : mqs) {
            PullResult r = pc.pull(mq, "*", 0, PULLED);
            assertEquals(PullStatus.FOUND, r.getPullStatus(), "pull " + mq);
            assertEquals(PULLED, r.getMsgFoundList().size(), "pulled from " + mq);
            for (MessageExt m : r.getMsgFoundList()) pulledBytes += m.getStoreSize();
            pc.updateConsumeOffset(mq, COMMITTED);
            pc.getOffsetStore().persist(mq);
        }
        for (MessageQueue mq : mqs) {
            assertTrue(Clients.await(Duration.ofSeconds(10), () -> {
                try {
                    return pc.fetchConsumeOffset(mq, true) == COMMITTED;
                } catch (Exception e) {
                    return false;
                }
            }), "committed offset of " + mq);
        }

        String reader = "compat_metrics_reader_" + System.currentTimeMillis();
        DefaultMQPullConsumer all = Clients.pullConsumer(reader, namesrv.address());
        long storedBytes = 0;
        int stored = 0;
        for (MessageQueue mq : mqs) {
            PullResult r = all.pull(mq, "*", 0, 32);
            assertEquals(PullStatus.FOUND, r.getPullStatus(), "reader pull " + mq);
            for (MessageExt m : r.getMsgFoundList()) {
                storedBytes += m.getStoreSize();
                stored++;
            }
        }
        assertEquals(COUNT, stored, "messages read back");
        Clients.heartbeat(pc); // keep G online for the lag gauges

        Scrape s = scrape();
        Map<String, String> topic = Map.of("topic", TOPIC);
        Map<String, String> topicGroup = Map.of("topic", TOPIC, "consumer_group", group);
        assertEquals(COUNT, s.value("rocketmq_messages_in_total", topic), "messages_in\n" + s.lines("rocketmq_messages_in_total"));
        assertEquals("normal", s.label("rocketmq_messages_in_total", topic, "message_type"));
        assertEquals("false", s.label("rocketmq_messages_in_total", topic, "is_system"));
        assertEquals(Peers.CLUSTER, s.label("rocketmq_messages_in_total", topic, "cluster"), "common label cluster");
        assertEquals("broker", s.label("rocketmq_messages_in_total", topic, "node_type"), "common label node_type");
        assertEquals(broker.brokerName(), s.label("rocketmq_messages_in_total", topic, "node_id"), "common label node_id");
        assertEquals(storedBytes, s.value("rocketmq_throughput_in_total", topic), "throughput_in = stored record bytes");
        assertEquals(COUNT, s.value("rocketmq_message_size_count", topic), "message_size observations");
        assertEquals(storedBytes, s.value("rocketmq_message_size_sum", topic), "message_size sum");
        assertEquals(COUNT, s.value("rocketmq_message_size_bucket", with(topic, "le", "+Inf")), "message_size +Inf bucket");

        assertEquals(QUEUES * PULLED, s.value("rocketmq_messages_out_total", topicGroup), "messages_out of G\n" + s.lines("rocketmq_messages_out_total"));
        assertEquals(pulledBytes, s.value("rocketmq_throughput_out_total", topicGroup), "throughput_out of G");
        assertEquals(COUNT, s.value("rocketmq_messages_out_total", Map.of("topic", TOPIC, "consumer_group", reader)), "messages_out of the reader");

        long lag = s.value("rocketmq_consumer_lag_messages", topicGroup);
        assertEquals(QUEUES * (COUNT / QUEUES - COMMITTED), lag, "lag of G\n" + s.lines("rocketmq_consumer_"));
        assertEquals("false", s.label("rocketmq_consumer_lag_messages", topicGroup, "is_retry"));
        long inflight = s.value("rocketmq_consumer_inflight_messages", topicGroup);
        long ready = s.value("rocketmq_consumer_ready_messages", topicGroup);
        assertEquals(lag, inflight + ready, "inflight " + inflight + " + ready " + ready + " = lag");
        assertTrue(s.value("rocketmq_consumer_lag_latency_milliseconds", topicGroup) > 0, "lag latency > 0");

        Map<String, String> sends = Map.of("request_code", "send_message_v2", "response_code", "success");
        assertEquals(COUNT, s.value("rocketmq_rpc_latency_milliseconds_count", sends), "sends timed\n" + s.lines("rocketmq_rpc_latency_milliseconds_count"));
        assertEquals(COUNT, s.value("rocketmq_rpc_latency_milliseconds_bucket", with(sends, "le", "+Inf")), "sends in the +Inf bucket");
        assertTrue(s.sum("rocketmq_producer_connections", Map.of()) >= 1, "producer connections\n" + s.lines("rocketmq_producer_connections"));
        assertTrue(s.value("rocketmq_consumer_connections", Map.of("consumer_group", group)) >= 1, "consumer connections of G\n" + s.lines("rocketmq_consumer_connections"));
        assertTrue(s.sum("rocketmq_storage_size_bytes", Map.of()) > 0, "storage size");
        assertEquals(6, s.sum("rocketmq_broker_permission", Map.of()), "broker permission");
        System.out.printf("[compat] MetricsIT: %d samples scraped from %s broker; for example:%n%s%s%s", s.samples.size(),
            BrokerUnderTest.IMPL, s.lines("rocketmq_messages_in_total"), s.lines("rocketmq_consumer_lag_messages"),
            s.lines("rocketmq_rpc_latency_milliseconds_count"));
    }

    static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    static Scrape scrape() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), "GET /metrics");
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), "content type");
        return new Scrape(res.body());
    }

    /** The samples of one scrape in the Prometheus text format: name, labels, value (a trailing timestamp is ignored). */
    static final class Scrape {
        record Sample(String name, Map<String, String> labels, double value) {
        }

        final List<Sample> samples = new ArrayList<>();
        final String text;

        Scrape(String text) {
            this.text = text;
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                samples.add(parse(line));
            }
        }

        static Sample parse(String line) {
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            int rest;
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                int i = brace + 1;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String key = line.substring(i, eq).trim();
                    StringBuilder v = new StringBuilder();
                    int j = eq + 2; // after ="
                    while (line.charAt(j) != '"') {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            char n = line.charAt(++j);
                            v.append(n == 'n' ? '\n' : n);
                        } else {
                            v.append(c);
                        }
                        j++;
                    }
                    labels.put(key, v.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') i++;
                }
                rest = i + 1;
            } else {
                name = line.substring(0, space);
                rest = space;
            }
            String[] parts = line.substring(rest).trim().split("\\s+");
            return new Sample(name, labels, Double.parseDouble(parts[0]));
        }

        List<Sample> matching(String name, Map<String, String> labels) {
            List<Sample> out = new ArrayList<>();
            for (Sample s : samples) {
                if (s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet())) out.add(s);
            }
            return out;
        }

        /** The one sample of `name` carrying `labels` (among others), as a whole number. */
        long value(String name, Map<String, String> labels) {
            List<Sample> m = matching(name, labels);
            assertEquals(1, m.size(), "samples of " + name + " with " + labels + ":\n" + lines(name));
            double v = m.get(0).value;
            assertEquals(Math.rint(v), v, name + " is a whole number");
            return (long) v;
        }

        String label(String name, Map<String, String> labels, String label) {
            List<Sample> m = matching(name, labels);
            assertEquals(1, m.size(), "samples of " + name + " with " + labels);
            return m.get(0).labels.get(label);
        }

        double sum(String name, Map<String, String> labels) {
            return matching(name, labels).stream().mapToDouble(Sample::value).sum();
        }

        String lines(String prefix) {
            StringBuilder b = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.startsWith(prefix)) b.append("  ").append(line).append('\n');
            }
            return b.toString();
        }
    }
}
