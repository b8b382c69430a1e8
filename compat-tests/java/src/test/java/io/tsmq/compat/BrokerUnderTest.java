package io.tsmq.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;

/**
 * The broker of the broker scenarios: tsmq ({@code -Dbroker.impl=tsmq}, the default) or Apache's
 * ({@code -Dbroker.impl=java}, to prove a scenario against the real thing). Master (brokerId 0) of cluster
 * {@link Peers#CLUSTER}, {@code brokerIP1=127.0.0.1}, a 100 MB commit log file, ASYNC_FLUSH, a store under
 * {@code <dir>/store}. It can be stopped with SIGTERM and started again on the same port and store.
 *
 * <p>tsmq: {@code node dist/cli.js broker -n <ns> --brokerIP1 127.0.0.1 --brokerName <name> --brokerClusterName
 * CompatCluster --listenPort <p> --storePathRootDir <dir>/store --storePathCommitLog <dir>/store/commitlog
 * --mappedFileSizeCommitLog 104857600 --logLevel info}
 * (+ {@link #DEFAULT_CONF} and any extra broker.conf keys as {@code --key value}); stdout/stderr into {@code <dir>/process.log}
 * ({@code process-2.log}, ... after restarts). Java: {@code java-peers.sh broker <version> <dir>/broker.conf}.
 *
 * <p>Ready = the port accepts connections and the name server lists the broker at this address (for Java, also
 * "boot success" in its log).
 */
public final class BrokerUnderTest {
    public static final String IMPL = Peers.BROKER_IMPL;

    /**
     * Conf given to both implementations unless a test overrides it. {@code waitTimeMillsInSendQueue}: a send that
     * waited longer than this in the broker's send queue is answered SYSTEM_BUSY ([TIMEOUT_CLEAN_QUEUE], not retried by
     * 4.9 clients); the default 200 ms is too tight on the shared 2-core CI machine (the Java 4.9.7 broker failed a
     * 3 KB sync send of ProducerConsumeIT after 232 ms in its queue while another job loaded the machine).
     */
    static final Map<String, String> DEFAULT_CONF = Map.of("waitTimeMillsInSendQueue", "1000");

    private final String impl;
    /** Whose jars run a Java broker: a client version of java-peers.sh (its server version, see Peers#serverVersion). */
    private final String peersVersion;
    private final String brokerName;
    private final String namesrvAddr;
    private final Map<String, String> extraConf;
    private final int port;
    private final Path dir;
    private final DefaultMQAdminExt admin;
    private ManagedProcess process;
    private int starts;

    private BrokerUnderTest(String impl, String peersVersion, String brokerName, String namesrvAddr,
            Map<String, String> extraConf) {
        this.impl = impl;
        this.peersVersion = peersVersion;
        this.brokerName = brokerName;
        this.namesrvAddr = namesrvAddr;
        this.extraConf = new LinkedHashMap<>(DEFAULT_CONF);
        this.extraConf.putAll(extraConf);
        this.port = Peers.freeBrokerPort();
        this.dir = Peers.newDir("broker-" + impl);
        this.admin = Peers.admin(namesrvAddr);
    }

    /** Starts the broker under test, registered with {@code namesrvAddr}; returns once it is ready. */
    public static BrokerUnderTest start(String brokerName, String namesrvAddr, Map<String, String> extraConf) {
        return start(IMPL, brokerName, namesrvAddr, extraConf);
    }

    /** A broker of the given implementation (tsmq or java), whatever {@code broker.impl} says: for side-by-side tests. */
    public static BrokerUnderTest start(String impl, String brokerName, String namesrvAddr, Map<String, String> extraConf) {
        return start(impl, Peers.VERSION, brokerName, namesrvAddr, extraConf);
    }

    /** As above, a Java broker running the jars of {@code peersVersion} rather than this run's version. */
    public static BrokerUnderTest start(String impl, String peersVersion, String brokerName, String namesrvAddr,
            Map<String, String> extraConf) {
        BrokerUnderTest b = new BrokerUnderTest(impl, peersVersion, brokerName, namesrvAddr, extraConf);
        b.startProcess();
        return b;
    }

    public static BrokerUnderTest start(String brokerName, String namesrvAddr) {
        return start(brokerName, namesrvAddr, Map.of());
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public String brokerName() {
        return brokerName;
    }

    public ManagedProcess process() {
        return process;
    }

    public Path store() {
        return dir.resolve("store");
    }

    public String describe() {
        return process.describe();
    }

    private void startProcess() {
        starts++;
        String logName = starts == 1 ? "process.log" : "process-" + starts + ".log";
        Path store = store();
        try {
            Files.createDirectories(store);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long t0 = System.nanoTime();
        if ("tsmq".equals(impl)) {
            Path cli = Peers.HOME.resolve("dist/cli.js");
            if (!Files.exists(cli)) {
                throw new IllegalStateException("tsmq is not built: " + cli + " missing (run `npm run build`)");
            }
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("brokerIP1", "127.0.0.1");
            conf.put("brokerName", brokerName);
            conf.put("brokerClusterName", Peers.CLUSTER);
            conf.put("listenPort", Integer.toString(port));
            conf.put("storePathRootDir", store.toString());
            conf.put("storePathCommitLog", store.resolve("commitlog").toString());
            conf.put("mappedFileSizeCommitLog", "104857600");
            conf.put("logLevel", System.getProperty("tsmq.broker.logLevel", "info"));
            conf.putAll(extraConf);
            List<String> cmd = new ArrayList<>(List.of(System.getProperty("tsmq.node", "node"), cli.toString(), "broker",
                "-n", namesrvAddr));
            conf.forEach((k, v) -> {
                cmd.add("--" + k);
                cmd.add(v);
            });
            process = ManagedProcess.start("broker", "tsmq broker", cmd, dir, port, Map.of(), logName);
            Peers.track(process);
            process.awaitPort(port, Duration.ofSeconds(60));
        } else if ("java".equals(impl)) {
            Map<String, String> conf = new LinkedHashMap<>();
            conf.put("brokerClusterName", Peers.CLUSTER);
            conf.put("brokerName", brokerName);
            conf.put("brokerId", "0");
            conf.put("brokerIP1", "127.0.0.1");
            conf.put("namesrvAddr", namesrvAddr);
            conf.put("listenPort", Integer.toString(port));
            conf.put("storePathRootDir", store.toString());
            conf.put("storePathCommitLog", store.resolve("commitlog").toString());
            conf.put("autoCreateTopicEnable", "true");
            conf.put("mappedFileSizeCommitLog", "104857600");
            conf.put("flushDiskType", "ASYNC_FLUSH");
            conf.put("brokerRole", "ASYNC_MASTER");
            conf.putAll(extraConf);
            StringBuilder sb = new StringBuilder();
            conf.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            try {
                Files.writeString(dir.resolve("broker.conf"), sb.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            process = ManagedProcess.start("broker", "java broker " + Peers.serverVersion(peersVersion),
                List.of("bash", Peers.SCRIPT.toString(), "broker", peersVersion, dir.resolve("broker.conf").toString()),
                dir, port, Peers.javaPeerEnv(), logName);
            Peers.track(process);
            process.awaitPort(port, Duration.ofSeconds(90)).awaitLog("boot success", Duration.ofSeconds(90));
        } else {
            throw new IllegalArgumentException("broker.impl must be tsmq or java, not " + impl);
        }
        Peers.awaitBrokerInCluster(admin, brokerName, address(), Duration.ofSeconds(60));
        System.out.printf("[compat] %s ready (start #%d) in %d ms, store %s%n", process.describe(), starts,
            (System.nanoTime() - t0) / 1_000_000, store);
    }

    /**
     * SIGTERM (the broker flushes its store and offsets and unregisters), waits up to {@code grace} for the exit,
     * and returns the exit code; then waits (up to 15 s, not an assertion) until the name server no longer lists it.
     */
    public int stopGracefully(Duration grace) {
        long t0 = System.nanoTime();
        int code = process.stop(grace);
        System.out.printf("[compat] %s stopped by SIGTERM: exit code %d after %d ms%n", process.describe(), code,
            (System.nanoTime() - t0) / 1_000_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var ci = admin.examineBrokerClusterInfo();
                var bd = ci.getBrokerAddrTable() == null ? null : ci.getBrokerAddrTable().get(brokerName);
                if (bd == null || !address().equals(bd.getBrokerAddrs().get(0L))) {
                    break;
                }
            } catch (Exception ignored) {
                break;
            }
            ManagedProcess.sleep(200);
        }
        return code;
    }

    /** Starts the broker again on the same port and store (after {@link #stopGracefully}). */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(process.describe() + " is still running");
        }
        startProcess();
    }
}
