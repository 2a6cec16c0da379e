package titan.lab.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Minimal inline SVG charts for the self-contained report: a line chart (linear y, x linear or
 * already transformed by the caller) and a bar chart. No scripts, no network.
 */
final class SvgChart {
    static final int WIDTH = 560;
    static final int HEIGHT = 320;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 44;

    record Series(String name, String color, boolean dashed, List<double[]> points) {}

    record Tick(double at, String label) {}

    private SvgChart() {
    }

    static String line(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        for (Tick t : xTicks) {
            xMin = Math.min(xMin, t.at());
            xMax = Math.max(xMax, t.at());
        }
        if (!(xMax > xMin)) {
            xMin = 0;
            xMax = Math.max(1, xMax);
        }
        yMax = niceCeiling(yMax);
        if (xTicks.isEmpty()) {
            xMin = Math.min(xMin, 0);
            List<Tick> even = new ArrayList<>();
            for (int i = 0; i <= 5; i++) {
                double at = xMin + (xMax - xMin) * i / 5;
                even.add(new Tick(at, compact(at)));
            }
            xTicks = even;
        }
        StringBuilder b = open(title);
        axes(b, xLabel, yLabel, yMax);
        for (Tick t : xTicks) {
            double x = sx(t.at(), xMin, xMax);
            b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#ddd'/>", x, TOP, x,
                    HEIGHT - BOTTOM));
            b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%s</text>", x,
                    HEIGHT - BOTTOM + 14, esc(t.label())));
        }
        int legendY = TOP + 12;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                path.append(String.format(Locale.ROOT, "%.1f,%.1f ", sx(p[0], xMin, xMax), sy(p[1], yMax)));
            }
            b.append("<polyline fill='none' stroke-width='1.6' stroke='").append(s.color()).append("'")
                    .append(s.dashed() ? " stroke-dasharray='5,3'" : "").append(" points='").append(path.toString().trim())
                    .append("'/>");
            b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='2'%s/>",
                    LEFT + 10, legendY - 4, LEFT + 28, legendY - 4, s.color(), s.dashed() ? " stroke-dasharray='5,3'" : ""));
            b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11'>%s</text>", LEFT + 32, legendY,
                    esc(s.name())));
            legendY += 14;
        }
        return b.append("</svg>").toString();
    }

    static String bars(String title, String yLabel, List<String> labels, List<Double> values, List<String> colors) {
        double yMax = niceCeiling(values.stream().mapToDouble(v -> Double.isFinite(v) ? v : 0).max().orElse(1));
        StringBuilder b = open(title);
        axes(b, "", yLabel, yMax);
        int n = Math.max(1, labels.size());
        double slot = (WIDTH - LEFT - RIGHT) / (double) n;
        for (int i = 0; i < labels.size(); i++) {
            double v = Double.isFinite(values.get(i)) ? values.get(i) : 0;
            double x = LEFT + i * slot + slot * 0.2;
            double y = sy(v, yMax);
            b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>", x, y,
                    slot * 0.6, HEIGHT - BOTTOM - y, colors.get(i)));
            b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%s</text>",
                    x + slot * 0.3, y - 4, esc(compact(v))));
            b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    x + slot * 0.3, HEIGHT - BOTTOM + 16, esc(labels.get(i))));
        }
        return b.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg width='%d' height='%d' "
                + "viewBox='0 0 %d %d' font-family='sans-serif'>", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<text x='%d' y='16' font-size='13' font-weight='bold'>%s</text>", LEFT,
                esc(title)));
        return b;
    }

    private static void axes(StringBuilder b, String xLabel, String yLabel, double yMax) {
        b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, HEIGHT - BOTTOM,
                WIDTH - RIGHT, HEIGHT - BOTTOM));
        b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, TOP, LEFT,
                HEIGHT - BOTTOM));
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = sy(v, yMax);
            b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/>", LEFT + 1, y,
                    WIDTH - RIGHT, y));
            b.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' font-size='10' text-anchor='end'>%s</text>",
                    LEFT - 4, y + 3, esc(compact(v))));
        }
        b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='11' text-anchor='middle' "
                + "transform='rotate(-90 14 %d)'>%s</text>", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2,
                esc(yLabel)));
    }

    private static double sx(double x, double min, double max) {
        return LEFT + (x - min) / (max - min) * (WIDTH - LEFT - RIGHT);
    }

    private static double sy(double y, double max) {
        return HEIGHT - BOTTOM - y / max * (HEIGHT - TOP - BOTTOM);
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code v}. */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String compact(double v) {
        if (Math.abs(v) >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (Math.abs(v) >= 10_000) {
            return String.format(Locale.ROOT, "%.0fK", v / 1e3);
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return titan.lab.report.Html.escape(s);
    }

    static List<double[]> points(double[] xs, double[] ys) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < xs.length; i++) {
            out.add(new double[] {xs[i], ys[i]});
        }
        return out;
    }
}
