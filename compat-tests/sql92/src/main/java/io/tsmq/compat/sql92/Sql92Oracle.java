package io.tsmq.compat.sql92;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.rocketmq.filter.FilterFactory;
import org.apache.rocketmq.filter.SqlFilter;
import org.apache.rocketmq.filter.expression.EvaluationContext;
import org.apache.rocketmq.filter.expression.Expression;

/**
 * Answers SQL92 filter cases with the real rocketmq-filter, the way the broker does:
 * compile with FilterFactory.INSTANCE.get("SQL92").compile (ConsumerFilterManager#build), evaluate against the
 * message properties (MessageEvaluationContext) and turn the result into a match like
 * ExpressionMessageFilter#isMatchedByCommitLog (a Throwable or a non-Boolean result is no match).
 *
 * <pre>
 *   Sql92Oracle cases.json expected.json rocketmqVersion   # batch: one result line per case
 *   Sql92Oracle --stdin                                    # probe: one JSON ["expression", {properties}] a line
 * </pre>
 */
public final class Sql92Oracle {

    /** Java: org.apache.rocketmq.broker.filter.MessageEvaluationContext (broker jar not needed for this). */
    static final class PropertiesContext implements EvaluationContext {
        private final Map<String, String> properties;

        PropertiesContext(Map<String, String> properties) {
            this.properties = properties;
        }

        @Override
        public Object get(String name) {
            return properties == null ? null : properties.get(name);
        }

        @Override
        public Map<String, Object> keyValues() {
            return properties == null ? null : new HashMap<>(properties);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--stdin")) {
            probe();
            return;
        }
        if (args.length != 3) {
            System.err.println("usage: Sql92Oracle cases.json expected.json rocketmqVersion | --stdin");
            System.exit(2);
        }
        JsonObject root = JsonParser.parseString(Files.readString(Path.of(args[0]))).getAsJsonObject();
        JsonArray cases = root.getAsJsonArray("cases");
        try (Writer w = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            w.write("{\n");
            w.write("  \"rocketmq\": " + quote(args[2]) + ",\n");
            w.write("  \"artifact\": " + quote(artifactName()) + ",\n");
            w.write("  \"java\": " + quote(System.getProperty("java.version")) + ",\n");
            w.write("  \"results\": [\n");
            for (int i = 0; i < cases.size(); i++) {
                JsonObject c = cases.get(i).getAsJsonObject();
                JsonObject r = answer(c.get("expression").getAsString(), properties(c.get("properties")));
                JsonObject line = new JsonObject();
                line.addProperty("id", c.get("id").getAsString());
                r.entrySet().forEach(e -> line.add(e.getKey(), e.getValue()));
                w.write("    " + line + (i + 1 < cases.size() ? ",\n" : "\n"));
            }
            w.write("  ]\n}\n");
        }
        System.out.println("answered " + cases.size() + " cases with " + artifactName());
    }

    /** One case: parse error (with Java's reason) or the raw evaluation result and the broker's match. */
    static JsonObject answer(String expression, Map<String, String> props) {
        JsonObject r = new JsonObject();
        Expression compiled;
        try {
            compiled = FilterFactory.INSTANCE.get("SQL92").compile(expression);
        } catch (Throwable t) {
            r.addProperty("parse", "error");
            r.addProperty("error", reason(t));
            return r;
        }
        r.addProperty("parse", "ok");
        Object ret;
        try {
            ret = compiled.evaluate(new PropertiesContext(props));
        } catch (Throwable t) {
            r.addProperty("raw", "throw");
            r.addProperty("matched", false);
            return r;
        }
        r.addProperty("raw", ret == null ? "null" : ret instanceof Boolean ? ret.toString() : "other:" + ret.getClass().getName());
        r.addProperty("matched", ret instanceof Boolean && (Boolean) ret);
        return r;
    }

    static Map<String, String> properties(JsonElement e) {
        if (e == null || e.isJsonNull()) return null;
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, JsonElement> p : e.getAsJsonObject().entrySet()) m.put(p.getKey(), p.getValue().getAsString());
        return m;
    }

    /** The innermost cause's class and first message line: enough to see why, without JavaCC's token lists. */
    static String reason(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String msg = c.getMessage() == null ? "" : c.getMessage().split("\n", 2)[0].trim();
        return c.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    static String artifactName() {
        String loc = SqlFilter.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        return loc.substring(loc.lastIndexOf('/') + 1);
    }

    static String quote(String s) {
        JsonObject o = new JsonObject();
        o.addProperty("s", s);
        String j = o.toString();
        return j.substring(5, j.length() - 1);
    }

    static void probe() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isBlank()) continue;
            JsonArray a = JsonParser.parseString(line).getAsJsonArray();
            String expr = a.get(0).getAsString();
            Map<String, String> props = a.size() > 1 ? properties(a.get(1)) : new HashMap<>();
            System.out.println(quote(expr) + "\t" + answer(expr, props));
        }
    }
}
