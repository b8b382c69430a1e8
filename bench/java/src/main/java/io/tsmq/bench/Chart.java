package io.tsmq.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Draws the run's PNG with Java2D: throughput (left) and latency p50/p99 on a log scale (right), Java broker and
 * tsmq side by side per workload.
 *
 * <p>Input (written by bench/run.js), tab-separated, {@code -} for a missing value:
 * <pre>
 * #title    text
 * #subtitle text
 * label  javaMsgsPerSec  tsmqMsgsPerSec  javaP50Ms  tsmqP50Ms  javaP99Ms  tsmqP99Ms
 * </pre>
 */
final class Chart {
    private static final Color JAVA = new Color(0xE8, 0x74, 0x3B);
    private static final Color JAVA_LIGHT = new Color(0xF4, 0xB9, 0x9C);
    private static final Color TSMQ = new Color(0x1F, 0x77, 0xB4);
    private static final Color TSMQ_LIGHT = new Color(0x8F, 0xBB, 0xD9);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);

    private record Row(String label, double[] v) {
    }

    private Chart() {
    }

    static void draw(Path in, Path out) throws Exception {
        String title = "tsmq vs Apache RocketMQ";
        String subtitle = "";
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(in, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            String[] f = line.split("\t");
            if (f[0].equals("#title")) {
                title = f.length > 1 ? f[1] : title;
                continue;
            }
            if (f[0].equals("#subtitle")) {
                subtitle = f.length > 1 ? f[1] : "";
                continue;
            }
            double[] v = new double[6];
            for (int i = 0; i < 6; i++) {
                String s = i + 1 < f.length ? f[i + 1].trim() : "-";
                v[i] = s.isEmpty() || s.equals("-") ? Double.NaN : Double.parseDouble(s);
            }
            rows.add(new Row(f[0], v));
        }

        int w = 1800;
        int h = 760;
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(title, 30, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(subtitle, 30, 56);

        List<Row> tput = new ArrayList<>();
        List<Row> lat = new ArrayList<>();
        for (Row r : rows) {
            if (!Double.isNaN(r.v[0]) || !Double.isNaN(r.v[1])) tput.add(r);
            if (!Double.isNaN(r.v[2]) || !Double.isNaN(r.v[3]) || !Double.isNaN(r.v[4]) || !Double.isNaN(r.v[5])) lat.add(r);
        }
        panel(g, 70, 90, 800, 560, "Throughput (messages/s)", tput, new int[] {0, 1},
            new Color[] {JAVA, TSMQ}, false);
        panel(g, 970, 90, 800, 560, "Latency p50 (light) and p99 (dark), ms, log scale", lat, new int[] {2, 3, 4, 5},
            new Color[] {JAVA_LIGHT, TSMQ_LIGHT, JAVA, TSMQ}, true);

        // legend
        int ly = h - 40;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        legend(g, 70, ly, JAVA, "Apache RocketMQ broker (Java)");
        legend(g, 370, ly, TSMQ, "tsmq broker");
        g.setColor(Color.DARK_GRAY);
        g.drawString("bars are medians over rounds; latency = send latency (f: also born-to-consume)", 600, ly + 12);
        g.dispose();
        Files.createDirectories(out.toAbsolutePath().getParent());
        ImageIO.write(im, "png", new File(out.toString()));
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String text) {
        g.setColor(c);
        g.fillRect(x, y, 16, 16);
        g.setColor(Color.BLACK);
        g.drawString(text, x + 24, y + 13);
    }

    private static void panel(Graphics2D g, int x, int y, int w, int h, String title, List<Row> rows, int[] cols,
                              Color[] colors, boolean log) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, x, y - 8);
        int plotH = h - 60;
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Row r : rows) {
            for (int c : cols) {
                double v = r.v[c];
                if (!Double.isNaN(v) && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        if (max == 0) {
            g.drawString("no data", x + w / 2 - 30, y + plotH / 2);
            return;
        }
        double lo;
        double hi;
        if (log) {
            lo = Math.floor(Math.log10(min));
            hi = Math.ceil(Math.log10(max));
            if (hi == lo) hi = lo + 1;
        } else {
            lo = 0;
            hi = niceCeil(max);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // grid and y labels
        if (log) {
            for (double e = lo; e <= hi; e++) {
                int yy = y + plotH - (int) Math.round((e - lo) / (hi - lo) * plotH);
                g.setColor(GRID);
                g.drawLine(x, yy, x + w, yy);
                g.setColor(Color.DARK_GRAY);
                String s = fmt(Math.pow(10, e));
                g.drawString(s, x - fm.stringWidth(s) - 6, yy + 4);
            }
        } else {
            for (int i = 0; i <= 5; i++) {
                double v = hi * i / 5;
                int yy = y + plotH - (int) Math.round(v / hi * plotH);
                g.setColor(GRID);
                g.drawLine(x, yy, x + w, yy);
                g.setColor(Color.DARK_GRAY);
                String s = fmt(v);
                g.drawString(s, x - fm.stringWidth(s) - 6, yy + 4);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(x, y + plotH, x + w, y + plotH);
        g.drawLine(x, y, x, y + plotH);
        if (rows.isEmpty()) return;
        int groupW = w / rows.size();
        int barW = Math.min(70, Math.max(4, (int) ((groupW * 0.8) / cols.length)));
        Font valueFont = new Font(Font.SANS_SERIF, Font.PLAIN, barW >= 22 ? 10 : 8);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            int gx = x + i * groupW + (groupW - barW * cols.length) / 2;
            for (int k = 0; k < cols.length; k++) {
                double v = r.v[cols[k]];
                if (Double.isNaN(v) || v <= 0) continue;
                double frac = log ? (Math.log10(v) - lo) / (hi - lo) : v / hi;
                frac = Math.max(0, Math.min(1, frac));
                int bh = (int) Math.round(frac * plotH);
                int bx = gx + k * barW;
                g.setColor(colors[k]);
                g.fillRect(bx, y + plotH - bh, barW - 2, bh);
                g.setColor(Color.DARK_GRAY);
                g.setFont(valueFont);
                String s = fmt(v);
                Graphics2D g2 = (Graphics2D) g.create();
                g2.translate(bx + (barW - 2) / 2 + 4, y + plotH - bh - 4);
                g2.rotate(-Math.PI / 2);
                g2.drawString(s, 0, 0);
                g2.dispose();
            }
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics lf = g.getFontMetrics();
            String[] parts = r.label.split("\\|");
            for (int p = 0; p < parts.length; p++) {
                int lx = x + i * groupW + (groupW - lf.stringWidth(parts[p])) / 2;
                g.drawString(parts[p], lx, y + plotH + 18 + p * 15);
            }
        }
    }

    private static double niceCeil(double v) {
        double e = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * e >= v) return m * e;
        }
        return 10 * e;
    }

    static String fmt(double v) {
        if (v == 0) return "0";
        if (v >= 1e6) return trim(v / 1e6) + "M";
        if (v >= 1e4) return trim(v / 1e3) + "k";
        if (v >= 100) return String.format("%.0f", v);
        if (v >= 10) return trim1(v);
        if (v >= 1) return String.format("%.2f", v);
        return String.format("%.3f", v);
    }

    private static String trim(double v) {
        return v >= 100 ? String.format("%.0f", v) : trim1(v);
    }

    private static String trim1(double v) {
        String s = String.format("%.1f", v);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
