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

import meridian.platform.ProcFiles;

/**
 * CPU and resident memory of the processes under load, from /proc: CPU as cores used over a run (1.0 = one core
 * busy all the time), RSS as the largest value seen. A target may be several processes (PostgreSQL's backends):
 * then its memory is the sum of their proportional set sizes, so shared memory is counted once.
 */
public final class ProcessSampler {

    /** Usage of one target over one run. */
    public record Usage(double cpuCores, long maxRssKb) {
    }

    /** The target {@link #addJitCompilers} adds: CPU only. */
    public static final String JIT_COMPILERS = "JIT compilers";

    /** The processes of each target whose memory is sampled. */
    private final Map<String, Supplier<List<Long>>> targets = new LinkedHashMap<>();
    /** CPU ticks of each process (or thread) of every target, by id. */
    private final Map<String, Supplier<Map<Long, Long>>> ticks = new LinkedHashMap<>();
    private final Map<String, Map<Long, Long>> ticksAtStart = new HashMap<>();
    private final Map<String, Long> maxRss = new HashMap<>();
    private long startNanos;

    public ProcessSampler add(String name, long pid) {
        return addProcesses(name, () -> List.of(pid));
    }

    /** Every process whose command name is {@code command}, looked up at each sample. */
    public ProcessSampler addByCommand(String name, String command) {
        return addProcesses(name, () -> pidsNamed(command));
    }

    private ProcessSampler addProcesses(String name, Supplier<List<Long>> pids) {
        targets.put(name, pids);
        ticks.put(name, () -> ticksOf(pids.get()));
        return this;
    }

    /**
     * The JIT compiler threads of the server JVMs, as one CPU-only target: while they are busy, the code under load is
     * still being compiled (on the same CPU as the servers), so a run measures warm-up too. HotSpot stops idle
     * compiler threads: one that ended within a run is not counted, so this can only read low.
     */
    public ProcessSampler addJitCompilers(Supplier<List<Long>> jvmPids) {
        ticks.put(JIT_COMPILERS, () -> {
            Map<Long, Long> threads = new HashMap<>();
            jvmPids.get().forEach(pid -> threads.putAll(ProcFiles.jitCompilerTicks(pid)));
            return threads;
        });
        return this;
    }

    public synchronized void begin() {
        startNanos = System.nanoTime();
        ticksAtStart.clear();
        maxRss.clear();
        ticks.forEach((name, now) -> ticksAtStart.put(name, now.get()));
        sample();
    }

    public synchronized void sample() {
        targets.forEach((name, pids) -> {
            List<Long> now = pids.get();
            // Processes sharing memory (PostgreSQL's backends and shared buffers) are summed by their share (PSS).
            long rss = now.size() == 1 ? ProcFiles.memoryKb(now.get(0), "status", "VmRSS:").orElse(0)
                    : now.stream().mapToLong(pid -> ProcFiles.memoryKb(pid, "smaps_rollup", "Pss:").orElse(0)).sum();
            maxRss.merge(name, rss, Math::max);
        });
    }

    public synchronized Map<String, Usage> end() {
        sample();
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        ticks.forEach((name, current) -> {
            Map<Long, Long> before = ticksAtStart.getOrDefault(name, Map.of());
            long used = 0;
            for (Map.Entry<Long, Long> now : current.get().entrySet()) {
                used += now.getValue() - before.getOrDefault(now.getKey(), 0L);
            }
            usage.put(name, new Usage(used / ProcFiles.TICKS_PER_SECOND / seconds, maxRss.getOrDefault(name, 0L)));
        });
        return usage;
    }

    private static Map<Long, Long> ticksOf(List<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        for (long pid : pids) {
            ProcFiles.cpuTicks(pid).ifPresent(t -> ticks.put(pid, t));
        }
        return ticks;
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
