package meridian.loadgen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The summary of one measurement (several runs): the median throughput of the runs, the median of each latency
 * percentile, errors by code over all runs, and the median run's timeline, percentile curve and process usage.
 */
public record Result(String name, String group, String target, String unit, String load, double throughput,
        List<Double> runThroughputs, Latency latency, long okCount, Map<String, Long> errors,
        List<RunStats.Interval> timeline, List<double[]> percentileCurve, Map<String, ProcessSampler.Usage> processes,
        Map<String, Object> extra) {

    /** Latency percentiles in milliseconds; NaN where a tool does not report them. */
    public record Latency(double p50, double p90, double p99, double p999, double max) {

        public static final Latency UNKNOWN = new Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

        public static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return UNKNOWN;
            }
            return new Latency(ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)),
                    ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(long micros) {
            return micros / 1_000.0;
        }
    }

    public Result {
        extra = new LinkedHashMap<>(extra);
    }

    static Result of(String name, String group, String target, String unit, String load, List<Runner.Run> runs) {
        Runner.Run median = Runner.median(runs);
        List<Latency> latencies = runs.stream().map(r -> Latency.of(r.stats().histogram())).toList();
        Latency latency = new Latency(medianOf(latencies, Latency::p50), medianOf(latencies, Latency::p90),
                medianOf(latencies, Latency::p99), medianOf(latencies, Latency::p999), medianOf(latencies, Latency::max));
        Map<String, Long> errors = new TreeMap<>();
        long ok = 0;
        for (Runner.Run run : runs) {
            ok += run.stats().okCount();
            run.stats().errorsByCode().forEach((code, count) -> errors.merge(code, count, Long::sum));
        }
        Map<String, String> examples = new TreeMap<>();
        runs.forEach(run -> run.stats().errorExamples().forEach(examples::putIfAbsent));
        return new Result(name, group, target, unit, load, median.throughput(),
                runs.stream().map(Runner.Run::throughput).toList(), latency, ok, errors, median.stats().timeline(),
                curve(median.stats().histogram()), median.usage(),
                examples.isEmpty() ? Map.of() : Map.of("error_examples", examples));
    }

    /** A measurement taken by another tool (h2load, pgbench). */
    public static Result external(String name, String group, String target, String unit, String load,
            List<Double> runThroughputs, Latency latency, long okCount, Map<String, Long> errors, Map<String, Object> extra) {
        double median = medianOf(runThroughputs, Double::doubleValue);
        return new Result(name, group, target, unit, load, median, runThroughputs, latency, okCount, errors, List.of(),
                List.of(), Map.of(), extra);
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public Result with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    /** (percentile, latency ms) points, finest at the tail, for the percentile plot. */
    static List<double[]> curve(Histogram histogram) {
        List<double[]> points = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : histogram.percentiles(5)) {
            points.add(new double[] {v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / 1_000.0});
            if (v.getPercentileLevelIteratedTo() >= 99.999) {
                break;
            }
        }
        return points;
    }

    static <T> double medianOf(List<T> values, ToDoubleFunction<T> metric) {
        double[] sorted = values.stream().mapToDouble(metric).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("group", group);
        json.put("target", target);
        json.put("unit", unit);
        json.put("load", load);
        json.put("throughput_per_second", throughput);
        json.put("run_throughputs", runThroughputs);
        json.put("latency_ms", Map.of("p50", latency.p50(), "p90", latency.p90(), "p99", latency.p99(), "p99_9",
                latency.p999(), "max", latency.max()));
        json.put("ok", okCount);
        json.put("errors", errors);
        Map<String, Object> processes = new LinkedHashMap<>();
        this.processes.forEach((process, usage) -> processes.put(process,
                Map.of("cpu_cores", usage.cpuCores(), "max_rss_mb", usage.maxRssKb() / 1024.0)));
        json.put("processes", processes);
        json.put("timeline", timeline.stream().map(i -> List.of(i.second(), i.ok(), i.errors(), i.p50Millis(),
                i.p99Millis(), i.maxMillis())).toList());
        json.put("percentiles", percentileCurve.stream().map(p -> List.of(p[0], p[1])).toList());
        json.putAll(extra);
        return json;
    }
}
