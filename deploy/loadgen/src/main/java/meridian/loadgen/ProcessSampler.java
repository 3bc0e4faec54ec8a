package meridian.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * CPU and resident memory of the processes under load, from /proc: CPU as cores used over a run (1.0 = one core
 * busy all the time), RSS as the largest value seen. A target may be several processes (PostgreSQL's backends):
 * then its memory is the sum of their proportional set sizes, so shared memory is counted once.
 */
public final class ProcessSampler {

    /** Linux reports /proc/<pid>/stat times in clock ticks of 1/100 s on every platform the JDK supports. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** Usage of one target over one run. */
    public record Usage(double cpuCores, long maxRssKb) {
    }

    private final Map<String, Supplier<List<Long>>> targets = new LinkedHashMap<>();
    private final Map<String, Map<Long, Long>> ticksAtStart = new HashMap<>();
    private final Map<String, Long> maxRss = new HashMap<>();
    private long startNanos;

    public ProcessSampler add(String name, long pid) {
        targets.put(name, () -> List.of(pid));
        return this;
    }

    /** Every process whose command name is {@code command}, looked up at each sample. */
    public ProcessSampler addByCommand(String name, String command) {
        targets.put(name, () -> pidsNamed(command));
        return this;
    }

    public synchronized void begin() {
        startNanos = System.nanoTime();
        ticksAtStart.clear();
        maxRss.clear();
        targets.forEach((name, pids) -> ticksAtStart.put(name, ticks(pids.get())));
        sample();
    }

    public synchronized void sample() {
        targets.forEach((name, pids) -> {
            List<Long> now = pids.get();
            // Processes sharing memory (PostgreSQL's backends and shared buffers) are summed by their share (PSS).
            long rss = now.size() == 1 ? memoryKb(now.get(0), "status", "VmRSS:")
                    : now.stream().mapToLong(pid -> memoryKb(pid, "smaps_rollup", "Pss:")).sum();
            maxRss.merge(name, rss, Math::max);
        });
    }

    public synchronized Map<String, Usage> end() {
        sample();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        targets.forEach((name, pids) -> {
            Map<Long, Long> before = ticksAtStart.getOrDefault(name, Map.of());
            long used = 0;
            for (Map.Entry<Long, Long> now : ticks(pids.get()).entrySet()) {
                used += now.getValue() - before.getOrDefault(now.getKey(), 0L);
            }
            usage.put(name, new Usage(used / TICKS_PER_SECOND / seconds, maxRss.getOrDefault(name, 0L)));
        });
        return usage;
    }

    private static Map<Long, Long> ticks(List<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            String[] fields = statFields(pid);
            if (fields.length > 14) {
                // utime and stime: fields 14 and 15 of /proc/<pid>/stat, counted after the "(comm)" field.
                ticks.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            }
        }
        return ticks;
    }

    /** The fields after "(comm) ", so index 0 is the state (field 3). */
    private static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException gone) {
            return new String[0];
        }
    }

    private static long memoryKb(long pid, String file, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            return lines.filter(l -> l.startsWith(field)).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElse(0);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    static List<Long> pidsNamed(String command) {
        try (Stream<Path> proc = Files.list(Path.of("/proc"))) {
            return proc.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> command.equals(readQuietly(p.resolve("comm")).strip()))
                    .map(p -> Long.parseLong(p.getFileName().toString())).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
