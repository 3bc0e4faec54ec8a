package meridian.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite's output: report.json for tools and report.html (tables and inline SVG plots) for people. */
public final class Report {

    /** A comparison the issue asks for: {@code value} = numerator / denominator, checked against {@code target}. */
    public record Ratio(String name, String numerator, String denominator, double value, String target, Boolean met) {
    }

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final List<Result> results = new ArrayList<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final Map<String, Object> startup = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> profiles = new LinkedHashMap<>();

    public Report header(String key, Object value) {
        header.put(key, value);
        return this;
    }

    public void add(Result result) {
        results.add(result);
    }

    public List<Result> results() {
        return List.copyOf(results);
    }

    public Result find(String group, String name) {
        return results.stream().filter(r -> r.group().equals(group) && r.name().equals(name)).findFirst().orElse(null);
    }

    public void ratio(Ratio ratio) {
        ratios.add(ratio);
    }

    public List<Ratio> ratios() {
        return List.copyOf(ratios);
    }

    public void startup(String process, double seconds) {
        startup.put(process, seconds);
    }

    /** A text profile (JFR hot methods) of one process under one scenario. */
    public void profile(String title, String text) {
        profiles.put(title, text);
    }

    public void note(String note) {
        notes.add(note);
    }

    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("report.json"), Json.write(json()));
            Files.writeString(directory.resolve("report.html"), html());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + directory, e);
        }
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>(header);
        json.put("startup_to_serving_seconds", startup);
        json.put("ratios", ratios.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("numerator", r.numerator());
            m.put("denominator", r.denominator());
            m.put("value", r.value());
            m.put("target", r.target());
            m.put("met", r.met());
            return m;
        }).toList());
        json.put("results", results.stream().map(Result::toJson).toList());
        json.put("profiles", profiles);
        json.put("notes", notes);
        return json;
    }

    private String html() {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Meridian benchmark</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".met{background:#dfd}.missed{background:#fdd}svg{border:1px solid #ddd;margin:4px 8px 4px 0}")
                .append("h3{margin-bottom:2px}.small{color:#666;font-size:12px}</style></head><body>")
                .append("<h1>Meridian benchmark</h1><table>");
        header.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(String.valueOf(v)))
                .append("</td></tr>"));
        h.append("</table><h2>Ratios and targets</h2><table><tr><th>ratio</th><th>value</th><th>target</th><th>numerator</th><th>denominator</th></tr>");
        for (Ratio r : ratios) {
            String cls = r.met() == null ? "" : r.met() ? " class=\"met\"" : " class=\"missed\"";
            h.append("<tr").append(cls).append("><td>").append(esc(r.name())).append("</td><td>").append(fmt(r.value()))
                    .append("</td><td>").append(esc(r.target())).append("</td><td>").append(esc(r.numerator()))
                    .append("</td><td>").append(esc(r.denominator())).append("</td></tr>");
        }
        h.append("</table><h2>Start-up to SERVING</h2><table>");
        startup.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td>").append(fmt((Double) v))
                .append(" s</td></tr>"));
        h.append("</table><h2>Results (median of runs)</h2><table><tr><th>group</th><th>scenario</th><th>target</th>")
                .append("<th>per second</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>ok</th>")
                .append("<th>errors</th><th>load</th></tr>");
        for (Result r : results) {
            h.append("<tr><td>").append(esc(r.group())).append("</td><td>").append(esc(r.name())).append("</td><td>")
                    .append(esc(r.target())).append("</td><td>").append(fmt(r.throughput())).append(' ').append(esc(r.unit()))
                    .append("s</td><td>").append(fmt(r.latency().p50())).append("</td><td>").append(fmt(r.latency().p90()))
                    .append("</td><td>").append(fmt(r.latency().p99())).append("</td><td>").append(fmt(r.latency().p999()))
                    .append("</td><td>").append(r.okCount()).append("</td><td>").append(esc(r.errors().isEmpty() ? "0"
                            : r.errors().toString())).append("</td><td>").append(esc(r.load())).append("</td></tr>");
        }
        h.append("</table><h2>Per scenario</h2>");
        for (Result r : results) {
            h.append("<h3>").append(esc(r.group() + ": " + r.name())).append("</h3><div class=\"small\">")
                    .append(esc(r.load() + "; runs: " + r.runThroughputs().stream().map(Report::fmt).toList() + " " + r.unit() + "s/s"));
            r.processes().forEach((p, u) -> h.append(esc(String.format(Locale.ROOT, "; %s %.2f cores, %.0f MB RSS", p,
                    u.cpuCores(), u.maxRssKb() / 1024.0))));
            r.extra().forEach((k, v) -> h.append(esc("; " + k + ": " + v)));
            h.append("</div>");
            if (!r.timeline().isEmpty()) {
                h.append(Svg.timeline(r.timeline(), r.unit()));
            }
            if (!r.percentileCurve().isEmpty()) {
                h.append(Svg.percentiles(r.percentileCurve()));
            }
        }
        if (!profiles.isEmpty()) {
            h.append("<h2>Profiles: where the time goes</h2>");
            profiles.forEach((title, text) -> h.append("<h3>").append(esc(title)).append("</h3><pre>").append(esc(text))
                    .append("</pre>"));
        }
        h.append("<h2>Notes</h2><ul>");
        notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
        return h.append("</ul></body></html>\n").toString();
    }

    static String fmt(double d) {
        if (Double.isNaN(d)) {
            return "-";
        }
        return Math.abs(d) >= 100 ? String.format(Locale.ROOT, "%,.0f", d) : String.format(Locale.ROOT, "%.3g", d);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
