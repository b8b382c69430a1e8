package io.tsmq.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * tsmq benchmark generator (driven by bench/run.js).
 *
 * <pre>
 *   Bench workload --namesrv h:p --broker-addr h:p --mode sync|batch|async|rate|consume|fill|verify|none
 *                  [--probe true] [--broker-pid N] [--out result.json] ...   (see {@link Workload})
 *   Bench chart    --in chart.tsv --out chart.png
 * </pre>
 *
 * Exit status 0 when the run completed (errors during the load are counted in the JSON, not fatal), 1 when it could
 * not run (no broker, no route, ...); the JSON then has {@code fatal}.
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: Bench workload --namesrv h:p --broker-addr h:p --mode M [...] | chart --in f --out f");
            System.exit(2);
        }
        Args a = new Args(argv, 1);
        switch (argv[0]) {
            case "chart" -> {
                Chart.draw(Path.of(a.str("in")), Path.of(a.str("out")));
                System.exit(0);
            }
            case "workload" -> {
                Workload w = new Workload(a);
                int rc = 0;
                try {
                    w.run();
                } catch (Throwable e) {
                    rc = 1;
                    StringWriter sw = new StringWriter();
                    e.printStackTrace(new PrintWriter(sw));
                    w.result().put("fatal", sw.toString());
                    System.err.println("[gen] fatal: " + e);
                }
                String json = Json.write(w.result());
                String outFile = a.str("out", null);
                if (outFile != null) {
                    Files.writeString(Path.of(outFile), json, StandardCharsets.UTF_8);
                } else {
                    System.out.print(json);
                }
                System.out.println("DONE");
                System.out.flush();
                Thread t = new Thread(w::shutdown, "client-shutdown");
                t.setDaemon(true);
                t.start();
                t.join(3000); // unregister the clients politely, but never hang on it
                System.exit(rc);
            }
            default -> {
                System.err.println("unknown command " + argv[0]);
                System.exit(2);
            }
        }
    }
}
