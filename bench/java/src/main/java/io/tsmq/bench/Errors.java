package io.tsmq.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts failed sends/consumes by kind (exception class and first line of its message), with one stack trace. */
final class Errors {
    private static final int MAX_KINDS = 40;
    private final ConcurrentHashMap<String, LongAdder> kinds = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    private final LongAdder inWindow = new LongAdder();
    private volatile String firstTrace;
    private volatile long firstEpochMs;

    void add(Throwable e, boolean window) {
        add(key(e), window, e);
    }

    void add(String kind, boolean window, Throwable e) {
        total.increment();
        if (window) inWindow.increment();
        if (kinds.size() >= MAX_KINDS && !kinds.containsKey(kind)) kind = "(other kinds)";
        kinds.computeIfAbsent(kind, k -> new LongAdder()).increment();
        if (firstTrace == null) {
            synchronized (this) {
                if (firstTrace == null) {
                    firstEpochMs = System.currentTimeMillis();
                    if (e != null) {
                        StringWriter sw = new StringWriter();
                        e.printStackTrace(new PrintWriter(sw));
                        String s = sw.toString();
                        firstTrace = s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
                    } else {
                        firstTrace = kind;
                    }
                    System.err.println("[gen] first error: " + kind);
                }
            }
        }
    }

    long total() {
        return total.sum();
    }

    static String key(Throwable e) {
        Throwable t = e;
        String msg = t.getMessage();
        // "Send [1] times, still failed, ..." says nothing: the broker's answer is in the cause
        if ((msg == null || msg.startsWith("Send [")) && t.getCause() != null) {
            t = t.getCause();
            msg = t.getMessage();
        }
        if (msg == null) msg = "";
        int nl = msg.indexOf('\n');
        if (nl >= 0) msg = msg.substring(0, nl);
        msg = msg.replace("For more information, please visit the url, ", "")
            .replaceAll("See https?://\\S+ for further details\\.?", "")
            .replaceAll("https?://\\S+", "")
            .replaceAll("(?<!CODE: )(?<!\\w)\\d+", "N") // counts, times, ports: one kind per cause
            .trim();
        if (msg.length() > 220) msg = msg.substring(0, 220) + "...";
        return e.getClass().getSimpleName() + (t != e ? " <- " + t.getClass().getSimpleName() : "") + ": " + msg;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", total.sum());
        m.put("inWindow", inWindow.sum());
        Map<String, Object> k = new TreeMap<>();
        kinds.forEach((key, v) -> k.put(key, v.sum()));
        m.put("kinds", k);
        if (firstTrace != null) {
            m.put("firstEpochMs", firstEpochMs);
            m.put("firstTrace", firstTrace);
        }
        return m;
    }
}
