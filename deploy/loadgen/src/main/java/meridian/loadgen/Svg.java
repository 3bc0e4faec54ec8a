package meridian.loadgen;

import java.util.List;
import java.util.Locale;

/** Two small inline SVG plots per scenario: throughput and latency over time, and the latency percentile curve. */
final class Svg {

    private static final int W = 520;
    private static final int H = 220;
    private static final int LEFT = 56;
    private static final int RIGHT = 56;
    private static final int TOP = 24;
    private static final int BOTTOM = 30;

    private Svg() {
    }

    /** Bars: operations per second; lines: p50 (blue) and p99 (red) per second, on a right-hand ms axis. */
    static String timeline(List<RunStats.Interval> timeline, String unit) {
        double maxOk = Math.max(1, timeline.stream().mapToDouble(RunStats.Interval::ok).max().orElse(1));
        double maxMs = Math.max(0.001, timeline.stream().mapToDouble(RunStats.Interval::p99Millis).max().orElse(1));
        double maxT = Math.max(1, timeline.get(timeline.size() - 1).second());
        StringBuilder s = open("per second: " + unit + "s (bars), p50 / p99 ms (lines)");
        double bar = (W - LEFT - RIGHT) / (double) timeline.size();
        for (RunStats.Interval i : timeline) {
            double x = LEFT + (i.second() - 1) / maxT * (W - LEFT - RIGHT);
            double h = i.ok() / maxOk * (H - TOP - BOTTOM);
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#cde\"/>",
                    Math.max(LEFT, x), H - BOTTOM - h, Math.max(1, bar - 1), h));
        }
        s.append(line(timeline, i -> i.p50Millis(), maxT, maxMs, "#36c")).append(line(timeline, i -> i.p99Millis(), maxT, maxMs, "#c33"));
        axisLabel(s, LEFT - 4, TOP + 4, "end", Report.fmt(maxOk));
        axisLabel(s, W - RIGHT + 4, TOP + 4, "start", Report.fmt(maxMs) + " ms");
        axisLabel(s, W - RIGHT, H - 10, "end", Report.fmt(maxT) + " s");
        return s.append("</svg>").toString();
    }

    /** Latency (ms, linear) against percentile on a log scale of 1/(1-p): 0, 90, 99, 99.9, 99.99 %. */
    static String percentiles(List<double[]> curve) {
        double maxMs = Math.max(0.001, curve.stream().mapToDouble(p -> p[1]).max().orElse(1));
        double maxX = 5;
        StringBuilder s = open("latency ms by percentile");
        StringBuilder path = new StringBuilder();
        for (double[] p : curve) {
            double x = LEFT + Math.min(maxX, nines(p[0])) / maxX * (W - LEFT - RIGHT);
            double y = H - BOTTOM - p[1] / maxMs * (H - TOP - BOTTOM);
            path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#c33\" stroke-width=\"1.5\"/>");
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = LEFT + i / maxX * (W - LEFT - RIGHT);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, TOP, x,
                    H - BOTTOM));
            axisLabel(s, x, H - 10, "middle", labels[i]);
        }
        axisLabel(s, LEFT - 4, TOP + 4, "end", Report.fmt(maxMs) + " ms");
        return s.append("</svg>").toString();
    }

    private static double nines(double percentile) {
        return percentile >= 100 ? 5 : -Math.log10(1 - percentile / 100);
    }

    private static StringBuilder open(String title) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", W, H));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"14\">%s</text>", LEFT, Report.esc(title)));
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        return s;
    }

    private static String line(List<RunStats.Interval> timeline, java.util.function.ToDoubleFunction<RunStats.Interval> ms,
            double maxT, double maxMs, String color) {
        StringBuilder path = new StringBuilder();
        for (RunStats.Interval i : timeline) {
            double x = LEFT + i.second() / maxT * (W - LEFT - RIGHT);
            double y = H - BOTTOM - ms.applyAsDouble(i) / maxMs * (H - TOP - BOTTOM);
            path.append(path.isEmpty() ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.5\"/>";
    }

    private static void axisLabel(StringBuilder s, double x, double y, String anchor, String text) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>", x, y, anchor,
                Report.esc(text)));
    }
}
