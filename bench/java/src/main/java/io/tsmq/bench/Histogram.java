package io.tsmq.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Log-linear latency histogram in microseconds: exact below 256 µs, then 128 buckets per power of two (relative
 * error below 0.8 %), up to 2^40 µs. One bucket array per recording thread (no contention); {@link #snapshot()}
 * merges them.
 */
final class Histogram {
    private static final int LINEAR = 256;
    private static final int SUB = 128;
    private static final int MAX_EXP = 40;
    private static final int SIZE = LINEAR + (MAX_EXP - 8 + 1) * SUB;

    private final Queue<AtomicLongArray> all = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<AtomicLongArray> mine = ThreadLocal.withInitial(() -> {
        AtomicLongArray a = new AtomicLongArray(SIZE);
        all.add(a);
        return a;
    });

    static int index(long us) {
        if (us < 0) us = 0;
        if (us < LINEAR) return (int) us;
        int exp = 63 - Long.numberOfLeadingZeros(us); // >= 8
        if (exp > MAX_EXP) return SIZE - 1;
        int shift = exp - 7;
        int sub = (int) ((us >> shift) & (SUB - 1));
        return LINEAR + (exp - 8) * SUB + sub;
    }

    /** Middle of the bucket's value range. */
    static double value(int idx) {
        if (idx < LINEAR) return idx;
        int exp = (idx - LINEAR) / SUB + 8;
        int sub = (idx - LINEAR) % SUB;
        int shift = exp - 7;
        long lo = ((long) (SUB + sub)) << shift;
        long width = 1L << shift;
        return lo + (width - 1) / 2.0;
    }

    void record(long us) {
        mine.get().incrementAndGet(index(us));
    }

    Snapshot snapshot() {
        long[] sum = new long[SIZE];
        for (AtomicLongArray a : all) {
            for (int i = 0; i < SIZE; i++) sum[i] += a.get(i);
        }
        return new Snapshot(sum);
    }

    static final class Snapshot {
        final long[] counts;
        final long total;

        Snapshot(long[] counts) {
            this.counts = counts;
            long t = 0;
            for (long c : counts) t += c;
            this.total = t;
        }

        /** Value (µs) at quantile q in [0,1]; NaN when empty. */
        double quantile(double q) {
            if (total == 0) return Double.NaN;
            long rank = (long) Math.ceil(q * total);
            if (rank < 1) rank = 1;
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) return value(i);
            }
            return value(counts.length - 1);
        }

        double mean() {
            if (total == 0) return Double.NaN;
            double s = 0;
            for (int i = 0; i < counts.length; i++) s += counts[i] * value(i);
            return s / total;
        }

        double max() {
            for (int i = counts.length - 1; i >= 0; i--) if (counts[i] > 0) return value(i);
            return Double.NaN;
        }

        /** {count, mean, p50, p90, p99, p999, max} in milliseconds. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", total);
            m.put("meanMs", ms(mean()));
            m.put("p50Ms", ms(quantile(0.50)));
            m.put("p90Ms", ms(quantile(0.90)));
            m.put("p99Ms", ms(quantile(0.99)));
            m.put("p999Ms", ms(quantile(0.999)));
            m.put("maxMs", ms(max()));
            return m;
        }

        private static Object ms(double us) {
            if (Double.isNaN(us)) return null;
            return Math.round(us) / 1000.0;
        }
    }
}
