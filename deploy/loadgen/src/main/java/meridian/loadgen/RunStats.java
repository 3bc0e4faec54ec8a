package meridian.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** What one run records: latencies of good operations (microseconds), errors by code, and a per-second timeline. */
public final class RunStats {

    /** One second of a run. */
    public record Interval(double second, long ok, long errors, double p50Millis, double p99Millis, double maxMillis) {
    }

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final LongAdder ok = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();
    private final List<Interval> timeline = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private Histogram recycled;
    private long errorsSeen;

    public void ok(long latencyNanos) {
        recorder.recordValue(Math.max(1, latencyNanos / 1_000));
        ok.increment();
    }

    public void error(String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    /** Counts a failed call and keeps the first message of each code, so a report says why calls failed. */
    public void failed(Throwable failure) {
        String code = Outcomes.code(failure);
        examples.putIfAbsent(code, String.valueOf(failure.getMessage()));
        error(code);
    }

    public Map<String, String> errorExamples() {
        return new TreeMap<>(examples);
    }

    /** Closes the current interval: adds it to the totals and the timeline, and returns it. */
    public synchronized Interval tick() {
        Histogram interval = recorder.getIntervalHistogram(recycled);
        total.add(interval);
        long errorsNow = errorCount();
        Interval entry = new Interval((System.nanoTime() - startNanos) / 1e9, interval.getTotalCount(),
                errorsNow - errorsSeen, millis(interval.getValueAtPercentile(50)), millis(interval.getValueAtPercentile(99)),
                millis(interval.getMaxValue()));
        errorsSeen = errorsNow;
        timeline.add(entry);
        recycled = interval;
        return entry;
    }

    public long okCount() {
        return ok.sum();
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public Map<String, Long> errorsByCode() {
        Map<String, Long> byCode = new TreeMap<>();
        errors.forEach((code, count) -> byCode.put(code, count.sum()));
        return byCode;
    }

    /** All good operations so far (call {@link #tick()} first to include the last interval). */
    public synchronized Histogram histogram() {
        return total.copy();
    }

    public synchronized List<Interval> timeline() {
        return List.copyOf(timeline);
    }

    static double millis(long micros) {
        return micros / 1_000.0;
    }
}
