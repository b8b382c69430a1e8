package io.tsmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The broker process as Linux sees it: CPU time from {@code /proc/<pid>/stat} (utime + stime, all threads) and
 * memory from {@code /proc/<pid>/status} (VmRSS now, VmHWM = peak RSS since the process started). A sampler thread
 * reads VmRSS every 100 ms so that a peak is known even if the process exits before VmHWM can be read.
 */
final class ProcStats {
    final int pid;
    final long clkTck;
    private volatile long maxRssKb;
    private volatile long windowMaxRssKb;
    private volatile boolean window;
    private volatile long lastHwmKb;
    private volatile boolean exited;
    private final Thread sampler;

    ProcStats(int pid, long clkTck) {
        this.pid = pid;
        this.clkTck = clkTck;
        this.sampler = new Thread(this::sample, "proc-sampler");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    private void sample() {
        while (true) {
            long rss = status("VmRSS");
            if (rss < 0) {
                if (!Files.exists(Path.of("/proc/" + pid))) {
                    exited = true;
                }
            } else {
                if (rss > maxRssKb) maxRssKb = rss;
                if (window && rss > windowMaxRssKb) windowMaxRssKb = rss;
                long hwm = status("VmHWM");
                if (hwm > 0) lastHwmKb = hwm;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** utime + stime in clock ticks, or -1 if the process is gone. */
    long cpuTicks() {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state); utime is field 14, stime field 15
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    double cpuSeconds() {
        long t = cpuTicks();
        return t < 0 ? Double.NaN : (double) t / clkTck;
    }

    /** A kB value from /proc/pid/status, or -1. */
    long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(key + ":")) {
                    String v = line.substring(key.length() + 1).trim();
                    return Long.parseLong(v.split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    void windowStart() {
        windowMaxRssKb = Math.max(0, status("VmRSS"));
        window = true;
    }

    void windowEnd() {
        window = false;
    }

    long peakRssKb() {
        long hwm = status("VmHWM");
        if (hwm > 0) lastHwmKb = hwm;
        return Math.max(lastHwmKb, maxRssKb);
    }

    long windowMaxRssKb() {
        return windowMaxRssKb;
    }

    boolean exited() {
        return exited || !Files.exists(Path.of("/proc/" + pid));
    }
}
