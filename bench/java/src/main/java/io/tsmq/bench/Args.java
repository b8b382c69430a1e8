package io.tsmq.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --key value} pairs; every option takes a value (flags are {@code --probe true}). */
final class Args {
    private final Map<String, String> map = new LinkedHashMap<>();

    Args(String[] argv, int from) {
        for (int i = from; i < argv.length; i++) {
            String k = argv[i];
            if (!k.startsWith("--")) throw new IllegalArgumentException("expected --option, got " + k);
            if (i + 1 >= argv.length) throw new IllegalArgumentException("option " + k + " needs a value");
            map.put(k.substring(2), argv[++i]);
        }
    }

    String str(String key) {
        String v = map.get(key);
        if (v == null) throw new IllegalArgumentException("missing --" + key);
        return v;
    }

    String str(String key, String def) {
        return map.getOrDefault(key, def);
    }

    int i(String key, int def) {
        String v = map.get(key);
        return v == null ? def : Integer.parseInt(v);
    }

    long l(String key, long def) {
        String v = map.get(key);
        return v == null ? def : Long.parseLong(v);
    }

    double d(String key, double def) {
        String v = map.get(key);
        return v == null ? def : Double.parseDouble(v);
    }

    boolean b(String key, boolean def) {
        String v = map.get(key);
        return v == null ? def : Boolean.parseBoolean(v);
    }

    Map<String, String> all() {
        return map;
    }
}
