package meridian.loadgen;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a scenario. Closed loop: every connection keeps {@code inFlight} operations outstanding, starting the next
 * as one ends (finds the maximum throughput). Open loop: operations start at a fixed rate whatever the server does,
 * and latency is measured from when each was meant to start, so a stalled server shows up as latency instead of
 * silently lowering the load (coordinated omission corrected).
 */
public final class Runner {

    public enum Mode {
        CLOSED, OPEN
    }

    /** How hard to push: {@code rate} is used in open loop only, {@code inFlight} in closed loop only. */
    public record Load(Mode mode, int connections, int inFlight, double rate, Duration duration) {

        public static Load closed(int connections, int inFlight, Duration duration) {
            return new Load(Mode.CLOSED, connections, inFlight, 0, duration);
        }

        public static Load open(int connections, double rate, Duration duration) {
            return new Load(Mode.OPEN, connections, 0, rate, duration);
        }

        public String describe() {
            return mode == Mode.CLOSED ? String.format(Locale.ROOT, "closed loop, %d connections x %d in flight", connections, inFlight)
                    : String.format(Locale.ROOT, "open loop, %.0f/s over %d connections", rate, connections);
        }
    }

    /**
     * Warm-up (not recorded) in windows of {@code warmup} until the JIT has settled, then {@code repeats} measured
     * runs. Closed loop: after at least {@code minWarmup} (a plateau before C2 compiles the hot path looks steady
     * too), warm-up ends when a window's throughput is within {@link #STEADY_CHANGE} of the previous window's and the
     * servers' JIT compilers (when watched) used at most {@link #JIT_QUIET_CORES} in it, or after {@code maxWarmup}
     * of load. After a window in which the compilers were busy, the load pauses until they are quiet (see
     * {@link #MAX_COMPILE_PAUSE}). Open loop (throughput is set by the rate): one window.
     */
    public record Plan(Duration warmup, Duration minWarmup, Duration maxWarmup, int repeats) {

        /** One warm-up window only. */
        public static Plan fixed(Duration warmup, int repeats) {
            return new Plan(warmup, warmup, warmup, repeats);
        }
    }

    /** Two warm-up windows this close in throughput mean the code under load is compiled (measured runs rose 1k, 8k, 13k/s with one 3 s window). */
    static final double STEADY_CHANGE = 0.10;

    /**
     * Server JIT compilers using more CPU than this (cores) mean the code under load is still being compiled: on
     * 2026-12-02 inventory's C2 thread used 0.14, 0.50, 0.31, then 0.05 cores in 15 s windows of GetStockLevel, while
     * two 5 s windows already looked steady in throughput.
     */
    static final double JIT_QUIET_CORES = 0.05;

    /**
     * Longest pause of the load between two warm-up windows while the servers' JIT compilers finish what the last
     * window queued. Why pause: on a core the load saturates, a compiler thread gets about one share among the
     * event loops, workers and 16 PostgreSQL backends, so C2 takes minutes to compile what it would in seconds on an
     * idle or dedicated core (2026-12-02, inventory traced, ReserveStock 2 x 8 on the shared core: 90 s of
     * continuous load ended at 818/s with C2 still at 0.11 cores; 8 s runs with ~2 s gaps reached 1,050/s with the
     * compilers idle after 60 s). The targets are about steady state; the pauses are in the report
     * ({@code warmup_compile_pause_seconds}), the compilers' CPU during measured runs too.
     */
    static final Duration MAX_COMPILE_PAUSE = Duration.ofSeconds(15);
    /** The compilers are looked at in slices this long while the load pauses (100 ticks a second: 0.05 cores = 5). */
    private static final Duration COMPILE_PAUSE_SLICE = Duration.ofSeconds(1);

    /** Above this many outstanding operations the open loop skips starts (and counts them) instead of piling up. */
    private static final int OPEN_LOOP_BACKLOG = 20_000;
    /** Longer than a call's deadline, so every open-loop call has ended before a run is summed up. */
    private static final Duration DRAIN = Duration.ofSeconds(Unary.DEADLINE_SECONDS + 2);

    private final PrintStream progress;

    public Runner(PrintStream progress) {
        this.progress = progress;
    }

    /** Warms up, runs {@code plan.repeats()} times and summarises the runs (medians). */
    public Result measure(String name, String group, String target, Scenario scenario, Load load, Plan plan,
            ProcessSampler sampler) {
        List<Double> throughputs = new ArrayList<>();
        List<Double> compilerCores = new ArrayList<>();
        List<Double> pauses = new ArrayList<>();
        warmUp(name, scenario, load, plan, sampler, throughputs, compilerCores, pauses);
        List<Run> runs = new ArrayList<>();
        for (int i = 1; i <= plan.repeats(); i++) {
            runs.add(run(scenario, load, sampler, name + " run " + i + "/" + plan.repeats()));
        }
        Result result = Result.of(name, group, target, scenario.unit(), load.describe(), runs)
                .with("warmup_throughputs", throughputs);
        return compilerCores.isEmpty() ? result : result.with("warmup_jit_compiler_cores", compilerCores)
                .with("warmup_compile_pause_seconds", pauses);
    }

    /**
     * Runs warm-up windows until throughput is steady and, when {@code sampler} watches the servers' JIT compilers,
     * they are nearly idle (see {@link Plan}); adds each window's throughput, compilers' CPU and the pause after it
     * to the lists.
     */
    private void warmUp(String name, Scenario scenario, Load load, Plan plan, ProcessSampler sampler,
            List<Double> throughputs, List<Double> compilerCores, List<Double> pauses) {
        if (plan.warmup().isZero()) {
            return;
        }
        Load window = new Load(load.mode(), load.connections(), load.inFlight(), load.rate(), plan.warmup());
        Duration spent = Duration.ZERO;
        while (true) {
            Run run = run(scenario, window, sampler, name + " warm-up " + (throughputs.size() + 1));
            throughputs.add(run.throughput());
            ProcessSampler.Usage compilers = run.usage().get(ProcessSampler.JIT_COMPILERS);
            if (compilers != null) {
                compilerCores.add(compilers.cpuCores());
                progress.printf(Locale.ROOT, "  %-40s JIT compilers %.2f cores%n", name + " warm-up " + throughputs.size(),
                        compilers.cpuCores());
            }
            spent = spent.plus(plan.warmup());
            boolean compiled = compilers == null || compilers.cpuCores() <= JIT_QUIET_CORES;
            boolean done = load.mode() == Mode.OPEN || spent.compareTo(plan.maxWarmup()) >= 0
                    || spent.compareTo(plan.minWarmup()) >= 0 && steady(throughputs) && compiled;
            if (compilers != null) {
                double paused = done || compiled ? 0 : pauseWhileCompiling(sampler);
                pauses.add(paused);
                if (paused > 0) {
                    progress.printf(Locale.ROOT, "  %-40s load paused %.1f s while the JIT compiled%n", name, paused);
                }
            }
            if (done) {
                return;
            }
        }
    }

    /** Waits, without load, until the servers' JIT compilers used at most {@link #JIT_QUIET_CORES} in a slice; seconds. */
    private static double pauseWhileCompiling(ProcessSampler sampler) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < MAX_COMPILE_PAUSE.toNanos()) {
            sampler.begin();
            LockSupport.parkNanos(COMPILE_PAUSE_SLICE.toNanos());
            if (sampler.end().get(ProcessSampler.JIT_COMPILERS).cpuCores() <= JIT_QUIET_CORES) {
                break;
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    static boolean steady(List<Double> throughputs) {
        if (throughputs.size() < 2) {
            return false;
        }
        double previous = throughputs.get(throughputs.size() - 2);
        double last = throughputs.get(throughputs.size() - 1);
        return previous > 0 && Math.abs(last - previous) / previous <= STEADY_CHANGE;
    }

    /** One measured run and the processes' usage during it. */
    public record Run(RunStats stats, double seconds, Map<String, ProcessSampler.Usage> usage) {

        public double throughput() {
            return stats.okCount() / seconds;
        }
    }

    public Run run(Scenario scenario, Load load, ProcessSampler sampler, String label) {
        if (sampler != null) {
            sampler.begin();
        }
        RunStats stats = new RunStats();
        AtomicInteger outstanding = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + load.duration().toNanos();
        // Two threads: reading /proc for many processes (PostgreSQL's backends) must not delay the progress line.
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "loadgen-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            RunStats.Interval interval = stats.tick();
            progress.printf(Locale.ROOT, "  %-40s %5.1fs %10.0f %s/s  p50 %7.2f ms  p99 %7.2f ms  errors %d%n", label,
                    interval.second(), interval.ok() / 1.0, scenario.unit(), interval.p50Millis(), interval.p99Millis(),
                    stats.errorCount());
        }, 1, 1, TimeUnit.SECONDS);
        if (sampler != null) {
            ticker.scheduleWithFixedDelay(sampler::sample, 1, 1, TimeUnit.SECONDS);
        }
        try {
            if (load.mode() == Mode.CLOSED) {
                Closed loop = new Closed(scenario, stats, outstanding, end);
                for (int c = 0; c < load.connections(); c++) {
                    for (int m = 0; m < load.inFlight(); m++) {
                        outstanding.incrementAndGet();
                        loop.issue(c);
                    }
                }
                sleepUntil(end);
            } else {
                openLoop(scenario, load, stats, outstanding, start, end);
            }
        } finally {
            ticker.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (load.mode() == Mode.OPEN) {
            awaitDrained(outstanding);
        }
        stats.tick();
        Map<String, ProcessSampler.Usage> usage = sampler == null ? Map.of() : sampler.end();
        awaitDrained(outstanding);
        return new Run(stats, seconds, usage);
    }

    /** Each ending operation starts the next on the same connection until the end time. */
    private static final class Closed {
        private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
        private final Scenario scenario;
        private final RunStats stats;
        private final AtomicInteger outstanding;
        private final long end;

        Closed(Scenario scenario, RunStats stats, AtomicInteger outstanding, long end) {
            this.scenario = scenario;
            this.stats = stats;
            this.outstanding = outstanding;
            this.end = end;
        }

        void issue(int connection) {
            long started = System.nanoTime();
            if (started >= end) {
                outstanding.decrementAndGet();
                return;
            }
            int[] depth = DEPTH.get();
            if (depth[0] > 32) {
                // An operation that ends synchronously (a failing channel) would otherwise recurse without bound.
                Thread.startVirtualThread(() -> issue(connection));
                return;
            }
            depth[0]++;
            try {
                scenario.start(connection, new Completion() {
                    @Override
                    public void ok() {
                        long now = System.nanoTime();
                        if (now < end) {
                            stats.ok(now - started);
                        }
                        issue(connection);
                    }

                    @Override
                    public void error(String code) {
                        if (System.nanoTime() < end) {
                            stats.error(code);
                        }
                        issue(connection);
                    }

                    @Override
                    public void failed(Throwable failure) {
                        if (System.nanoTime() < end) {
                            stats.failed(failure);
                        }
                        issue(connection);
                    }
                });
            } finally {
                depth[0]--;
            }
        }
    }

    private static void openLoop(Scenario scenario, Load load, RunStats stats, AtomicInteger outstanding, long start,
            long end) {
        double period = 1e9 / load.rate();
        for (long i = 0;; i++) {
            long intended = start + (long) (i * period);
            if (intended >= end) {
                return;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (outstanding.get() >= OPEN_LOOP_BACKLOG) {
                stats.error(Outcomes.BACKLOG);
                continue;
            }
            outstanding.incrementAndGet();
            scenario.start((int) (i % load.connections()), new Completion() {
                // Every call started is counted, also when it ends after the run: a call the server made wait past the
                // end is the slowest of all, and dropping it would hide exactly what the open loop is there to show.
                @Override
                public void ok() {
                    stats.ok(System.nanoTime() - intended);
                    outstanding.decrementAndGet();
                }

                @Override
                public void error(String code) {
                    stats.error(code);
                    outstanding.decrementAndGet();
                }

                @Override
                public void failed(Throwable failure) {
                    stats.failed(failure);
                    outstanding.decrementAndGet();
                }
            });
        }
    }

    private static void awaitDrained(AtomicInteger outstanding) {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /** The run with the median throughput (the lower middle one for an even count). */
    static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(Run::throughput));
        return sorted.get((sorted.size() - 1) / 2);
    }
}
