package io.tsmq.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario a: the Java name server J and the name server under test T side by side, one Java broker registered with
 * both ({@code namesrvAddr=J;T}). mqadmin (a child JVM of the client version) runs the same commands against J and
 * against T; the outputs must be equal after normalizing only what must differ (documented per command).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(Peers.DumpOnFailure.class)
class NamesrvMqadminIT {
    static final String TOPIC = "TopicX";
    static final String BROKER_NAME = "broker-mqadmin";

    static ManagedProcess javaNs;
    static ManagedProcess testNs;
    static ManagedProcess broker;
    static DefaultMQAdminExt adminJ;
    static DefaultMQAdminExt adminT;

    /**
     * getNamesrvConfig keys that only one of the two supported Java name server lines reports: 5.3.3 has these,
     * 4.9.7 (the 4.9.8 line's server) does not. tsmq serves clients of both lines with one key set, so T may report
     * them even when J is 4.9.7. Every key J reports must still be reported by T, and T may not report keys outside
     * J's set plus this list.
     */
    static final Set<String> KEYS_ONLY_IN_SOME_VERSIONS = Set.of(
        "defaultThreadPoolNums", "defaultThreadPoolQueueCapacity", "enableControllerInNamesrv", "needWaitForService",
        "clientRequestThreadPoolQueueCapacity", "deleteTopicWithBrokerRegistration", "scanNotActiveBrokerInterval",
        "clientRequestThreadPoolNums", "configBlackList", "enableAllTopicList", "returnOrderTopicConfigToBroker",
        "supportActingMaster", "enableShutdownGracefully", "enableTopicList", "notifyMinBrokerIdChanged",
        "unRegisterBrokerQueueCapacity", "waitSecondsForService", "shutdownWaitTimeSeconds", "bindAddress",
        "serverNettyWorkerGroupEnable");

    @BeforeAll
    static void startPeers() throws Exception {
        Peers.beginClass(NamesrvMqadminIT.class);
        javaNs = Peers.startJavaNamesrv("namesrv-java");
        testNs = Peers.startNamesrvUnderTest("namesrv-under-test");
        broker = Peers.startJavaBroker("broker", BROKER_NAME, javaNs.address() + ";" + testNs.address());
        adminJ = Peers.admin(javaNs.address());
        adminT = Peers.admin(testNs.address());
        Peers.awaitBrokerInCluster(adminJ, BROKER_NAME, broker.address(), Duration.ofSeconds(30));
        Peers.awaitBrokerInCluster(adminT, BROKER_NAME, broker.address(), Duration.ofSeconds(30));

        Peers.MqadminResult r = Peers.mqadmin("updateTopic", "-n", javaNs.address(), "-b", broker.address(),
            "-t", TOPIC);
        assertTrue(r.exitCode() == 0 && r.stdout().contains("success"), r.describe());
        Peers.awaitRoute(adminJ, TOPIC, broker.address(), Duration.ofSeconds(30));
        Peers.awaitRoute(adminT, TOPIC, broker.address(), Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopPeers() {
        Peers.endClass();
    }

    /** Runs the command against J and T (appending -n addr) and returns both results. */
    private static Peers.MqadminResult[] both(String... args) {
        Peers.MqadminResult[] r = bothRaw(args);
        assertEquals(0, r[0].exitCode(), "mqadmin against the Java name server failed: " + r[0].describe());
        assertNoException(r[0], "Java name server");
        return r;
    }

    /** Like {@link #both} without requiring J's run to succeed. */
    private static Peers.MqadminResult[] bothRaw(String... args) {
        // the two runs are independent child JVMs: run them side by side (they start in ~2-3 s each)
        var tFuture = java.util.concurrent.CompletableFuture.supplyAsync(
            () -> Peers.mqadmin(withNamesrv(args, testNs.address())));
        Peers.MqadminResult j = Peers.mqadmin(withNamesrv(args, javaNs.address()));
        Peers.MqadminResult t = tFuture.join();
        System.out.println("[compat] J: " + j.describe());
        System.out.println("[compat] T: " + t.describe());
        return new Peers.MqadminResult[] {j, t};
    }

    private static String[] withNamesrv(String[] args, String addr) {
        String[] a = Arrays.copyOf(args, args.length + 2);
        a[args.length] = "-n";
        a[args.length + 1] = addr;
        return a;
    }

    private static void assertNoException(Peers.MqadminResult r, String who) {
        // MQAdminStartup prints a SubCommandException stack trace and still exits 0
        if (r.stderr().contains("Exception") || r.stdout().contains("Exception")) {
            fail("mqadmin against the " + who + " threw:\n" + r.describe());
        }
    }

    private static void assertSameOutput(String what, String expectedFromJ, Peers.MqadminResult t, String actualFromT) {
        assertEquals(0, t.exitCode(), "mqadmin exit code against the name server under test\n" + t.describe());
        assertNoException(t, "name server under test");
        assertEquals(expectedFromJ, actualFromT, what + ": output against T differs from J (normalized; expected = J)\n"
            + "T raw output:\n" + t.describe());
    }

    // ------------------------------------------------------------------------------------------ clusterList

    /**
     * clusterList: cluster/broker names, BID, address and version come from the name server's cluster info (and the
     * broker's version from the broker) and must be equal. Normalized away: the runtime figures the command reads from
     * the broker itself at that moment (TPS, PCWait, Timer progress, Hour = hours since the earliest stored message,
     * SPACE = disk usage), which are not name server data.
     */
    @Test
    @Order(1)
    void clusterList() {
        Peers.MqadminResult[] r = both("clusterList");
        String j = normalizeClusterList(r[0].stdout());
        assertTrue(j.contains(BROKER_NAME) && j.contains(broker.address()), "J's clusterList lacks the broker:\n" + j);
        assertSameOutput("clusterList", j, r[1], normalizeClusterList(r[1].stdout()));
    }

    static String normalizeClusterList(String out) {
        List<String> lines = new ArrayList<>();
        boolean hasActivated = false;
        for (String line : out.split("\n")) {
            String l = line.trim();
            if (l.isEmpty()) {
                continue;
            }
            String[] tok = l.split("\\s+");
            if (l.startsWith("#")) {
                hasActivated = l.contains("#ACTIVATED");
                lines.add(String.join(" ", tok));
                continue;
            }
            if (tok.length < 5) {
                lines.add(l);
                continue;
            }
            // #Cluster Name, #Broker Name, #BID, #Addr, #Version, then figures read from the broker
            StringBuilder sb = new StringBuilder(String.join(" ", Arrays.copyOf(tok, 5))).append(" <runtime figures>");
            if (hasActivated) {
                sb.append(' ').append(tok[tok.length - 1]); // 5.x #ACTIVATED (from the name server's broker data)
            }
            lines.add(sb.toString());
        }
        return String.join("\n", lines);
    }

    // ------------------------------------------------------------------------------------------ topicRoute

    /** topicRoute: the pretty route JSON printed by mqadmin must be identical (same broker, same queues). */
    @Test
    @Order(2)
    void topicRoute() {
        Peers.MqadminResult[] r = both("topicRoute", "-t", TOPIC);
        String j = r[0].stdout().trim();
        assertTrue(j.contains(broker.address()), "J's route lacks the broker:\n" + j);
        assertSameOutput("topicRoute -t " + TOPIC, j, r[1], r[1].stdout().trim());
    }

    @Test
    @Order(3)
    void topicRouteOfUnknownTopic() {
        Peers.MqadminResult[] r = bothRaw("topicRoute", "-t", "NoSuchTopic_compat");
        // mqadmin prints the MQClientException (CODE: 17, TOPIC_NOT_EXIST) to stderr; both must fail the same way
        assertEquals("CODE: 17", extractCode(r[0].stderr() + r[0].stdout()), r[0].describe());
        assertEquals(extractCode(r[0].stderr() + r[0].stdout()), extractCode(r[1].stderr() + r[1].stdout()),
            "topicRoute of an unknown topic\nJ: " + r[0].describe() + "\nT: " + r[1].describe());
    }

    private static String extractCode(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("CODE: (\\d+)").matcher(text);
        return m.find() ? "CODE: " + m.group(1) : "<no CODE in output>";
    }

    // ------------------------------------------------------------------------------------------ topicList

    /**
     * topicList: same topic names. The command prints a HashSet parsed from the name server's JSON array, so the
     * order depends on the wire order; lines are sorted before comparing. {@code topicList -c} (cluster + consumer
     * groups per topic, using cluster info and routes) is compared the same way.
     */
    @Test
    @Order(4)
    void topicList() {
        Peers.MqadminResult[] r = both("topicList");
        String j = sortedLines(r[0].stdout());
        assertTrue(j.contains(TOPIC), "J's topicList lacks " + TOPIC + ":\n" + j);
        assertSameOutput("topicList", j, r[1], sortedLines(r[1].stdout()));

        Peers.MqadminResult[] c = both("topicList", "-c");
        String jc = sortedLines(c[0].stdout());
        assertTrue(jc.contains(TOPIC), "J's topicList -c lacks " + TOPIC + ":\n" + jc);
        assertSameOutput("topicList -c", jc, c[1], sortedLines(c[1].stdout()));
    }

    static String sortedLines(String out) {
        return Arrays.stream(out.split("\n")).map(String::trim).filter(s -> !s.isEmpty())
            .map(s -> String.join(" ", s.split("\\s+"))).sorted().collect(Collectors.joining("\n"));
    }

    // ------------------------------------------------------------------------------------------ kv config

    /**
     * updateKvConfig (mqadmin) then GET_KV_CONFIG / GET_KVLIST_BY_NAMESPACE (DefaultMQAdminExt), overwrite, a
     * non-ASCII value, deleteKvConfig (mqadmin) and the error for a missing key: the same on J and T.
     */
    @Test
    @Order(5)
    void updateKvConfigThenGetKvConfig() throws Exception {
        String ns = "compat_ns";
        Peers.MqadminResult[] r = both("updateKvConfig", "-s", ns, "-k", "k", "-v", "v");
        assertTrue(r[0].stdout().contains("success"), r[0].describe());
        assertSameOutput("updateKvConfig", r[0].stdout().trim(), r[1], r[1].stdout().trim());

        assertEquals("v", adminJ.getKVConfig(ns, "k"));
        assertEquals("v", adminT.getKVConfig(ns, "k"), "GET_KV_CONFIG on T after mqadmin updateKvConfig");

        // overwrite and a second key, in-process
        for (DefaultMQAdminExt a : List.of(adminJ, adminT)) {
            a.createAndUpdateKvConfig(ns, "k", "v2");
            a.createAndUpdateKvConfig(ns, "k-utf8", "wert ü 值 😀");
        }
        assertEquals("v2", adminT.getKVConfig(ns, "k"), "GET_KV_CONFIG on T after overwrite");
        assertEquals(adminJ.getKVConfig(ns, "k-utf8"), adminT.getKVConfig(ns, "k-utf8"), "non-ASCII kv value");
        Map<String, String> tableJ = new TreeMap<>(adminJ.getKVListByNamespace(ns).getTable());
        Map<String, String> tableT = new TreeMap<>(adminT.getKVListByNamespace(ns).getTable());
        assertEquals(tableJ, tableT, "GET_KVLIST_BY_NAMESPACE");

        Peers.MqadminResult[] d = both("deleteKvConfig", "-s", ns, "-k", "k");
        assertSameOutput("deleteKvConfig", d[0].stdout().trim(), d[1], d[1].stdout().trim());
        assertEquals(errorCode(adminJ, ns, "k"), errorCode(adminT, ns, "k"), "GET_KV_CONFIG of a deleted key");
        assertEquals(errorCode(adminJ, "no_such_ns", "k"), errorCode(adminT, "no_such_ns", "k"),
            "GET_KV_CONFIG in an unknown namespace");
        assertEquals(kvListCode(adminJ, "no_such_ns"), kvListCode(adminT, "no_such_ns"),
            "GET_KVLIST_BY_NAMESPACE of an unknown namespace");
    }

    private static String errorCode(DefaultMQAdminExt admin, String ns, String key) {
        try {
            return "value " + admin.getKVConfig(ns, key);
        } catch (MQClientException e) {
            return "MQClientException code " + e.getResponseCode();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static String kvListCode(DefaultMQAdminExt admin, String ns) {
        try {
            return "table " + new TreeMap<>(admin.getKVListByNamespace(ns).getTable());
        } catch (MQClientException e) {
            return "MQClientException code " + e.getResponseCode();
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    // ------------------------------------------------------------------------------------------ getNamesrvConfig

    /**
     * getNamesrvConfig: values legitimately differ (paths, ports, thread counts), so only the key set is compared.
     * T must report every key J reports; beyond J's keys T may only report {@link #KEYS_ONLY_IN_SOME_VERSIONS}
     * (keys of the other supported Java name server line). listenPort and kvConfigPath must be T's own.
     */
    @Test
    @Order(6)
    void getNamesrvConfig() {
        Peers.MqadminResult[] r = both("getNamesrvConfig");
        Map<String, String> j = parseConfig(r[0].stdout(), javaNs.address());
        assertNotNull(j, "no section for J in\n" + r[0].describe());
        Peers.MqadminResult t = r[1];
        assertEquals(0, t.exitCode(), t.describe());
        assertNoException(t, "name server under test");
        Map<String, String> tc = parseConfig(t.stdout(), testNs.address());
        assertNotNull(tc, "no '============" + testNs.address() + "============' section from T\n" + t.describe());

        Set<String> missing = new TreeSet<>(j.keySet());
        missing.removeAll(tc.keySet());
        Set<String> extra = new TreeSet<>(tc.keySet());
        extra.removeAll(j.keySet());
        extra.removeAll(KEYS_ONLY_IN_SOME_VERSIONS);
        assertTrue(missing.isEmpty() && extra.isEmpty(), "getNamesrvConfig key set of T differs from J: missing in T "
            + missing + ", unexpected in T " + extra + "\nJ keys: " + new TreeSet<>(j.keySet()) + "\nT: " + t.describe());
        assertEquals(Integer.toString(testNs.port()), tc.get("listenPort"), "T's listenPort");
        assertEquals(Peers.kvConfigPath(testNs.dir()).toString(), tc.get("kvConfigPath"), "T's kvConfigPath");
    }

    /** Parses "============addr============" followed by "key = value" lines; null if addr's section is absent. */
    static Map<String, String> parseConfig(String out, String addr) {
        Map<String, String> found = null;
        Map<String, String> current = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("============") && line.trim().endsWith("============")) {
                boolean mine = line.replace("=", "").trim().equals(addr);
                current = mine ? new LinkedHashMap<>() : null;
                if (mine) {
                    found = current;
                }
                continue;
            }
            int eq = line.indexOf('=');
            if (current != null && eq > 0) {
                current.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return found;
    }
}
