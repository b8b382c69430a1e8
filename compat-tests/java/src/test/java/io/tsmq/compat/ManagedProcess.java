package io.tsmq.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A child process (Java name server, Java broker or tsmq name server) that is always killed: by {@link #stop},
 * {@link #kill}, {@link Peers#endClass} or, as a last resort, by a JVM shutdown hook.
 */
public final class ManagedProcess {
    private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : LIVE) {
                p.destroyTree(true);
            }
        }, "compat-peers-reaper"));
    }

    private final String name;
    private final String kind;
    private final Process process;
    private final Path dir;
    private final Path log;
    private final int port;
    private final List<String> command;

    private ManagedProcess(String name, String kind, Process process, Path dir, Path log, int port, List<String> command) {
        this.name = name;
        this.kind = kind;
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.port = port;
        this.command = command;
    }

    /** Starts {@code command} in {@code dir}; stdout and stderr go to {@code dir/process.log}. */
    static ManagedProcess start(String name, String kind, List<String> command, Path dir, int port,
        Map<String, String> extraEnv) {
        return start(name, kind, command, dir, port, extraEnv, "process.log");
    }

    /** As above, with the log file name inside {@code dir} (a restarted broker keeps the log of its first run). */
    static ManagedProcess start(String name, String kind, List<String> command, Path dir, int port,
        Map<String, String> extraEnv, String logFileName) {
        try {
            Files.createDirectories(dir);
            Path log = dir.resolve(logFileName);
            ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.remove("NAMESRV_ADDR");
            env.remove("ROCKETMQ_HOME");
            env.putAll(extraEnv);
            Files.writeString(log, "# " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            ManagedProcess p = new ManagedProcess(name, kind, pb.start(), dir, log, port, List.copyOf(command));
            LIVE.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public String kind() {
        return kind;
    }

    public int port() {
        return port;
    }

    public String address() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until {@code port} accepts a TCP connection; fails early if the process dies. */
    public ManagedProcess awaitPort(int tcpPort, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(describe() + " exited with code " + process.exitValue()
                    + " before port " + tcpPort + " opened\n" + tail(60));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", tcpPort), 500);
                return this;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        throw new IllegalStateException(describe() + ": port " + tcpPort + " not open after " + timeout + "\n" + tail(60));
    }

    /** Waits until the process log contains {@code text}; fails early if the process dies. */
    public ManagedProcess awaitLog(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (readLog().contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(describe() + " exited with code " + process.exitValue()
                    + " before logging '" + text + "'\n" + tail(60));
            }
            sleep(200);
        }
        throw new IllegalStateException(describe() + ": no '" + text + "' in its log after " + timeout + "\n" + tail(60));
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL. Returns the exit code. */
    public int stop(Duration grace) {
        try {
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("[compat] WARNING: " + describe() + " did not exit within " + grace
                    + " of SIGTERM; killing it");
                destroyTree(true);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            destroyTree(true); // children the process may have left behind
            return process.isAlive() ? -1 : process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            destroyTree(true);
            return -1;
        } finally {
            if (!process.isAlive()) {
                LIVE.remove(this);
            }
        }
    }

    /** Sends SIGTERM and returns at once. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL (destroyForcibly) and wait for the exit. */
    public int kill() {
        destroyTree(true);
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive()) {
            LIVE.remove(this);
        }
        return process.isAlive() ? -1 : process.exitValue();
    }

    public boolean waitForExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                LIVE.remove(this);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void destroyTree(boolean forcibly) {
        List<ProcessHandle> children = new ArrayList<>();
        try {
            process.toHandle().descendants().forEach(children::add);
        } catch (RuntimeException ignored) {
            // process already gone
        }
        for (ProcessHandle c : children) {
            if (forcibly) {
                c.destroyForcibly();
            } else {
                c.destroy();
            }
        }
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
    }

    public String readLog() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException | UncheckedIOException e) {
            try {
                return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                return "";
            }
        }
    }

    /** The last {@code lines} lines of the process log, without logback status noise. */
    public String tail(int lines) {
        List<String> all = new ArrayList<>();
        for (String l : readLog().split("\n")) {
            if (!l.contains("|-INFO in ") && !l.contains("|-WARN in ")) {
                all.add(l);
            }
        }
        int from = Math.max(0, all.size() - lines);
        return "---- last lines of " + log + " ----\n" + String.join("\n", all.subList(from, all.size()));
    }

    public String describe() {
        return kind + " '" + name + "' (pid " + process.pid() + ", port " + port + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
