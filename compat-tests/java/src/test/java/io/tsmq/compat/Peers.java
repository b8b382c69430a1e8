package io.tsmq.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.remoting.protocol.RemotingSerializable;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts and always stops the processes a scenario needs, on free ports:
 * <ul>
 *   <li>Java name servers and brokers through {@code compat-tests/java-peers.sh} (same version as the client on the
 *       class path; the script exec's the JVM, so the child PID is the JVM),</li>
 *   <li>the tsmq name server ({@code node <tsmq.home>/dist/cli.js namesrv ...}),</li>
 *   <li>mqadmin as a child JVM ({@code java-peers.sh mqadmin}).</li>
 * </ul>
 * System properties: {@code rocketmq.version} (default 4.9.8), {@code namesrv.impl} = tsmq|java (default tsmq),
 * {@code tsmq.home} (repository root), {@code compat.work} (work directory), {@code tsmq.node} (node binary).
 *
 * <p>Lifecycle: a test class calls {@link #beginClass} in {@code @BeforeAll} and {@link #endClass} in
 * {@code @AfterAll}; {@code endClass} stops every process and admin client of the class, and a JVM shutdown hook
 * (in {@link ManagedProcess}) kills whatever is left if the JVM dies first.
 */
public final class Peers {
    public static final String VERSION = System.getProperty("rocketmq.version", "4.9.8");
    public static final String NAMESRV_IMPL = System.getProperty("namesrv.impl", "tsmq");
    /** The broker under test of the broker scenarios ({@link BrokerUnderTest}): tsmq (default) or java. */
    public static final String BROKER_IMPL = System.getProperty("broker.impl", "tsmq");
    /**
     * The header serialization of this JVM's clients: {@code rocketmq.serialize.type} (JSON or ROCKETMQ), read by
     * RemotingCommand when it loads; JSON when unset, as in RocketMQ.
     */
    public static final String SERIALIZE_TYPE = System.getProperty("rocketmq.serialize.type", "JSON");
    public static final Path HOME = Paths.get(System.getProperty("tsmq.home", "../..")).toAbsolutePath().normalize();
    public static final Path SCRIPT = HOME.resolve("compat-tests/java-peers.sh");
    public static final Path WORK = Paths.get(System.getProperty("compat.work", "target/compat-work"))
        .toAbsolutePath().normalize();
    public static final String CLUSTER = "CompatCluster";

    private static final Random RANDOM = new Random();
    private static final Set<Integer> HANDED_OUT = Collections.synchronizedSet(new HashSet<>());
    private static final AtomicInteger SEQ = new AtomicInteger();

    private static final List<ManagedProcess> CLASS_PROCESSES = Collections.synchronizedList(new ArrayList<>());
    private static final List<DefaultMQAdminExt> CLASS_ADMINS = Collections.synchronizedList(new ArrayList<>());
    private static final List<AutoCloseable> CLASS_CLOSEABLES = Collections.synchronizedList(new ArrayList<>());
    private static volatile Path classDir = WORK.resolve("unnamed");

    private Peers() {
    }

    // ------------------------------------------------------------------------------------------ lifecycle

    /** Call from {@code @BeforeAll}: sets up a fresh work directory for the class. */
    public static Path beginClass(Class<?> testClass) {
        String impls = NAMESRV_IMPL + ("tsmq".equals(BROKER_IMPL) ? "" : "+broker-" + BROKER_IMPL);
        classDir = WORK.resolve(impls).resolve(testClass.getSimpleName());
        deleteRecursively(classDir);
        try {
            Files.createDirectories(classDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String actual = org.apache.rocketmq.remoting.protocol.RemotingCommand.getSerializeTypeConfigInThisServer().name();
        if (!actual.equals(SERIALIZE_TYPE)) {
            throw new IllegalStateException("rocketmq.serialize.type=" + SERIALIZE_TYPE + " but RemotingCommand uses "
                + actual + " (the property must be set before RemotingCommand loads)");
        }
        System.out.printf("[compat] %s: rocketmq %s (java peers server %s), name server under test = %s, broker under "
                + "test = %s, client header serialization %s, work dir %s%n",
            testClass.getSimpleName(), VERSION, serverVersion(), NAMESRV_IMPL, BROKER_IMPL, actual, classDir);
        return classDir;
    }

    /** Call from {@code @AfterAll}: shuts down clients, stops every process of the class, deletes broker stores. */
    public static void endClass() {
        List<AutoCloseable> closeables = new ArrayList<>(CLASS_CLOSEABLES);
        CLASS_CLOSEABLES.clear();
        Collections.reverse(closeables);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        List<DefaultMQAdminExt> admins = new ArrayList<>(CLASS_ADMINS);
        CLASS_ADMINS.clear();
        for (DefaultMQAdminExt a : admins) {
            try {
                a.shutdown();
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        List<ManagedProcess> procs = new ArrayList<>(CLASS_PROCESSES);
        CLASS_PROCESSES.clear();
        Collections.reverse(procs); // brokers before name servers
        for (ManagedProcess p : procs) {
            if (!p.isAlive()) {
                continue;
            }
            if (p.kind().startsWith("java broker")) {
                // teardown only: a 5.3.3 broker's graceful shutdown takes ~19 s, and its store is deleted anyway
                // (graceful broker shutdown is exercised by BrokerLeavesRoutesIT)
                p.kill();
            } else {
                long t0 = System.nanoTime();
                int code = p.stop(Duration.ofSeconds(20)); // name servers must stop cleanly on SIGTERM
                System.out.printf("[compat] %s stopped by SIGTERM: exit code %d after %d ms%n", p.describe(), code,
                    (System.nanoTime() - t0) / 1_000_000);
            }
        }
        try (Stream<Path> s = Files.exists(classDir) ? Files.walk(classDir, 2) : Stream.empty()) {
            s.filter(p -> p.getFileName().toString().equals("store")).forEach(Peers::deleteRecursively);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Registers something to close in {@link #endClass} (producers, consumers). */
    public static <T extends AutoCloseable> T closeAtEnd(T c) {
        CLASS_CLOSEABLES.add(c);
        return c;
    }

    /** Prints the tail of every process log of the class when a test fails. */
    public static final class DumpOnFailure implements TestWatcher {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("[compat] " + context.getDisplayName() + " failed: " + cause);
            for (ManagedProcess p : new ArrayList<>(CLASS_PROCESSES)) {
                System.err.println("[compat] " + p.describe() + (p.isAlive() ? " (alive)" : " (exited)"));
                System.err.println(p.tail(40));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ versions and ports

    /** The version of the Java name server/broker jars (4.9.8 is not on Maven Central: 4.9.7 is used). */
    public static String serverVersion() {
        return serverVersion(VERSION);
    }

    /** The server version java-peers.sh runs for client version {@code version}. */
    public static String serverVersion(String version) {
        return version.equals("4.9.8") ? "4.9.7" : version;
    }

    /** Makes sure the Java peers of {@code version} are fetched ({@code java-peers.sh fetch}, quick when present). */
    public static void fetchPeers(String version) {
        try {
            Process p = new ProcessBuilder("bash", SCRIPT.toString(), "fetch", version)
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("java-peers.sh fetch " + version + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A TCP port that is free now and not handed out before (range 15000-29999, below the ephemeral range). */
    public static synchronized int freePort() {
        for (int i = 0; i < 2000; i++) {
            int p = 15000 + RANDOM.nextInt(15000);
            if (!HANDED_OUT.contains(p) && isFree(p)) {
                HANDED_OUT.add(p);
                return p;
            }
        }
        throw new IllegalStateException("no free port");
    }

    /** A broker listenPort p such that p-2 (VIP channel), p and p+1 (HA) are all free. */
    public static synchronized int freeBrokerPort() {
        for (int i = 0; i < 2000; i++) {
            int p = 15002 + RANDOM.nextInt(14990);
            int[] all = {p - 2, p, p + 1};
            boolean ok = true;
            for (int q : all) {
                ok &= !HANDED_OUT.contains(q) && isFree(q);
            }
            if (ok) {
                for (int q : all) {
                    HANDED_OUT.add(q);
                }
                return p;
            }
        }
        throw new IllegalStateException("no free broker ports");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------ processes

    private static void requirePeers(String version) {
        Path lib = HOME.resolve("compat-tests/java-peers/target/lib-" + version + "/server");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("Java peers for " + version + " are not fetched (" + lib + " missing); run: "
                + SCRIPT + " fetch " + version);
        }
    }

    /**
     * Environment of every Java peer and mqadmin JVM: {@code ROCKETMQ_SERIALIZE_TYPE} = this JVM's header serialization,
     * so that in a ROCKETMQ run the Java brokers' requests to the name server under test (REGISTER_BROKER, ...) and
     * mqadmin's requests use it too.
     */
    static Map<String, String> javaPeerEnv() {
        return Map.of("ROCKETMQ_SERIALIZE_TYPE", SERIALIZE_TYPE);
    }

    /** Registers a process of the class: {@link #endClass} stops it, {@link DumpOnFailure} prints its log. */
    static void track(ManagedProcess p) {
        CLASS_PROCESSES.add(p);
    }

    /** A fresh directory {@code <class dir>/<name>-<n>} for a process. */
    static Path newDir(String name) {
        return classDir.resolve(name + "-" + SEQ.incrementAndGet());
    }

    /** The name server under test: tsmq ({@code -Dnamesrv.impl=tsmq}, default) or Java ({@code -Dnamesrv.impl=java}). */
    public static ManagedProcess startNamesrvUnderTest(String name) {
        switch (NAMESRV_IMPL) {
            case "tsmq":
                return startTsmqNamesrv(name);
            case "java":
                return startJavaNamesrv(name);
            default:
                throw new IllegalArgumentException("namesrv.impl must be tsmq or java, not " + NAMESRV_IMPL);
        }
    }

    /** An Apache RocketMQ name server; its kv config file is {@code <dir>/kvConfig.json}. */
    public static ManagedProcess startJavaNamesrv(String name) {
        return startJavaNamesrv(name, VERSION);
    }

    /** As above, running the jars of {@code peersVersion} rather than this run's version. */
    public static ManagedProcess startJavaNamesrv(String name, String peersVersion) {
        requirePeers(peersVersion);
        int port = freePort();
        Path dir = newDir(name);
        ManagedProcess p = ManagedProcess.start(name, "java namesrv " + serverVersion(peersVersion),
            List.of("bash", SCRIPT.toString(), "namesrv", peersVersion, Integer.toString(port), dir.toString()),
            dir, port, javaPeerEnv());
        CLASS_PROCESSES.add(p);
        p.awaitPort(port, Duration.ofSeconds(60)).awaitLog("boot success", Duration.ofSeconds(30));
        return p;
    }

    /** The tsmq name server: {@code node dist/cli.js namesrv --listenPort P --kvConfigPath <dir>/kvConfig.json}. */
    public static ManagedProcess startTsmqNamesrv(String name) {
        Path cli = HOME.resolve("dist/cli.js");
        if (!Files.exists(cli)) {
            throw new IllegalStateException("tsmq is not built: " + cli + " missing (run `npm run build` in " + HOME + ")");
        }
        int port = freePort();
        Path dir = newDir(name);
        String node = System.getProperty("tsmq.node", "node");
        ManagedProcess p = ManagedProcess.start(name, "tsmq namesrv",
            List.of(node, cli.toString(), "namesrv", "--listenPort", Integer.toString(port),
                "--kvConfigPath", kvConfigPath(dir).toString(), "--logLevel", "info"),
            dir, port, Map.of());
        CLASS_PROCESSES.add(p);
        p.awaitPort(port, Duration.ofSeconds(30));
        return p;
    }

    /** Where a name server started by this class keeps its kv config (both implementations). */
    public static Path kvConfigPath(Path namesrvDir) {
        return namesrvDir.resolve("kvConfig.json");
    }

    /**
     * A Java broker (brokerId 0, cluster {@link #CLUSTER}) registered with {@code namesrvAddr} ("a:1;b:2").
     * Returns once it has logged "boot success" (printed after its first registration round).
     */
    public static ManagedProcess startJavaBroker(String name, String brokerName, String namesrvAddr) {
        requirePeers(VERSION);
        int port = freeBrokerPort();
        Path dir = newDir(name);
        Path store = dir.resolve("store");
        String conf = String.join("\n",
            "brokerClusterName=" + CLUSTER,
            "brokerName=" + brokerName,
            "brokerId=0",
            "brokerIP1=127.0.0.1",
            "namesrvAddr=" + namesrvAddr,
            "listenPort=" + port,
            "storePathRootDir=" + store,
            "storePathCommitLog=" + store.resolve("commitlog"),
            "autoCreateTopicEnable=true",
            "mappedFileSizeCommitLog=104857600",
            "flushDiskType=ASYNC_FLUSH",
            "brokerRole=ASYNC_MASTER",
            "") ;
        try {
            Files.createDirectories(store);
            Files.writeString(dir.resolve("broker.conf"), conf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ManagedProcess p = ManagedProcess.start(name, "java broker " + serverVersion(),
            List.of("bash", SCRIPT.toString(), "broker", VERSION, dir.resolve("broker.conf").toString()),
            dir, port, javaPeerEnv());
        CLASS_PROCESSES.add(p);
        p.awaitPort(port, Duration.ofSeconds(90)).awaitLog("boot success", Duration.ofSeconds(90));
        return p;
    }

    // ------------------------------------------------------------------------------------------ mqadmin

    /** Result of one mqadmin run. */
    public record MqadminResult(List<String> args, int exitCode, String stdout, String stderr) {
        public String describe() {
            return "mqadmin " + String.join(" ", args) + " -> exit " + exitCode + "\n--- stdout ---\n" + stdout
                + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs mqadmin of the client version as a child JVM ({@code java-peers.sh mqadmin <version> args...}). */
    public static MqadminResult mqadmin(String... args) {
        Path dir = classDir.resolve("mqadmin");
        int n = SEQ.incrementAndGet();
        Path out = dir.resolve("mqadmin-" + n + ".out");
        Path err = dir.resolve("mqadmin-" + n + ".err");
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), "mqadmin", VERSION));
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().remove("NAMESRV_ADDR");
            pb.environment().remove("ROCKETMQ_HOME");
            pb.environment().put("JAVA_PEERS_TOOLS_HOME", dir.resolve("home").toString());
            pb.environment().putAll(javaPeerEnv());
            Process p = pb.start();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("mqadmin " + String.join(" ", args) + " timed out after 90 s\n"
                    + Files.readString(out) + Files.readString(err));
            }
            return new MqadminResult(List.of(args), p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ in-process clients

    /** A started DefaultMQAdminExt talking to {@code namesrvAddr} only; shut down by {@link #endClass}. */
    public static DefaultMQAdminExt admin(String namesrvAddr) {
        DefaultMQAdminExt admin = new DefaultMQAdminExt(10_000);
        admin.setNamesrvAddr(namesrvAddr);
        admin.setInstanceName("compat-admin-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet());
        admin.setAdminExtGroup("compat_admin_group_" + SEQ.incrementAndGet());
        try {
            admin.start();
        } catch (MQClientException e) {
            throw new IllegalStateException(e);
        }
        CLASS_ADMINS.add(admin);
        return admin;
    }

    /** A unique client instance name (MQClientInstance is shared per instance name inside one JVM). */
    public static String uniqueInstanceName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
    }

    /** Creates (or updates) a topic with 4+4 queues, perm RW, on the broker at {@code brokerAddr}. */
    public static void createTopic(DefaultMQAdminExt admin, String brokerAddr, String topic) throws Exception {
        TopicConfig tc = new TopicConfig(topic, 4, 4, 6);
        admin.createAndUpdateTopicConfig(brokerAddr, tc);
    }

    /** Waits until the name server behind {@code admin} routes {@code topic} to {@code brokerAddr}. */
    public static void awaitRoute(DefaultMQAdminExt admin, String topic, String brokerAddr, Duration timeout) {
        waitUntil("route of " + topic + " -> " + brokerAddr + " via " + admin.getNamesrvAddr(), timeout, () -> {
            var route = admin.examineTopicRouteInfo(topic);
            return route != null && route.getBrokerDatas() != null && route.getBrokerDatas().stream()
                .anyMatch(bd -> bd.getBrokerAddrs() != null && bd.getBrokerAddrs().containsValue(brokerAddr));
        });
    }

    /** Waits until the cluster info of the name server behind {@code admin} lists the broker. */
    public static void awaitBrokerInCluster(DefaultMQAdminExt admin, String brokerName, String brokerAddr,
        Duration timeout) {
        waitUntil("cluster info listing " + brokerName + "@" + brokerAddr + " via " + admin.getNamesrvAddr(), timeout,
            () -> {
                var ci = admin.examineBrokerClusterInfo();
                if (ci == null || ci.getBrokerAddrTable() == null) {
                    return false;
                }
                var bd = ci.getBrokerAddrTable().get(brokerName);
                return bd != null && brokerAddr.equals(bd.getBrokerAddrs().get(0L));
            });
    }

    /** Pretty JSON of a RocketMQ body object (route data, cluster info), for messages. */
    public static String json(Object o) {
        return o == null ? "null" : RemotingSerializable.toJson(o, true);
    }

    /** Polls {@code condition} every 250 ms (exceptions count as false) until it holds or {@code timeout} passes. */
    public static void waitUntil(String what, Duration timeout, Callable<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            ManagedProcess.sleep(250);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + (last == null ? "" : "; last error: " + last), last);
    }

    // ------------------------------------------------------------------------------------------ files

    static void deleteRecursively(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(q -> {
                try {
                    Files.deleteIfExists(q);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
