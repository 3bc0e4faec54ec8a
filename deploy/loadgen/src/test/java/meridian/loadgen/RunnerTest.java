package meridian.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import meridian.platform.ProcFiles;

/** The measuring itself, against scenarios that answer from a timer instead of a server. */
class RunnerTest {

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final Runner runner = new Runner(new PrintStream(OutputStream.nullOutputStream()));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    @Test
    void openLoopMeasuresFromTheIntendedStartSoAStallShowsAsLatency() {
        long stallUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
        // Everything started during the first 400 ms is answered only when the stall ends.
        Scenario stalling = Scenario.of("stalling", "call", (connection, done) -> {
            long delay = Math.max(0, stallUntil - System.nanoTime());
            timer.schedule(done::ok, delay, TimeUnit.NANOSECONDS);
        });

        Runner.Run run = runner.run(stalling, Runner.Load.open(1, 200, Duration.ofSeconds(1)), null, "stall");

        assertThat(run.stats().okCount()).isGreaterThan(100);
        // The first call was meant to start at 0 and ended at 400 ms, and the 80 meant for the stall all waited:
        // a closed loop would have started one call and seen one slow call.
        assertThat(run.stats().histogram().getMaxValue()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(300));
        assertThat(run.stats().histogram().getValueAtPercentile(90)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toMicros(150));
    }

    @Test
    void errorsAreCountedByCodeAndNeverAsThroughput() {
        AtomicLong sequence = new AtomicLong();
        Scenario flaky = Scenario.of("flaky", "call", (connection, done) -> {
            long n = sequence.incrementAndGet();
            timer.execute(() -> {
                if (n % 4 == 0) {
                    done.error("UNAVAILABLE");
                } else if (n % 4 == 1) {
                    done.error(Outcomes.INVALID);
                } else {
                    done.ok();
                }
            });
        });

        Result result = runner.measure("flaky", "test", "none", flaky, Runner.Load.closed(2, 4, Duration.ofMillis(1500)),
                Runner.Plan.fixed(Duration.ZERO, 3), null);

        assertThat(result.runThroughputs()).hasSize(3);
        assertThat(result.errors()).containsOnlyKeys("UNAVAILABLE", Outcomes.INVALID);
        long errors = result.errorCount();
        assertThat(result.okCount()).isBetween(errors - 16, errors + 16);
        assertThat(result.timeline()).isNotEmpty();
        assertThat(result.percentileCurve()).isNotEmpty();
    }

    @Test
    void warmUpGoesOnUntilThroughputStopsRising() {
        long slowUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(900);
        // Like a JVM before the JIT: slow at first (a plateau), fast later.
        Scenario warming = Scenario.of("warming", "call", (connection, done) -> timer.schedule(done::ok,
                System.nanoTime() < slowUntil ? 20 : 1, TimeUnit.MILLISECONDS));

        Result result = runner.measure("warming", "test", "none", warming, Runner.Load.closed(1, 4, Duration.ofMillis(300)),
                new Runner.Plan(Duration.ofMillis(300), Duration.ofMillis(1200), Duration.ofSeconds(6), 1), null);

        @SuppressWarnings("unchecked")
        List<Double> warmup = (List<Double>) result.toJson().get("warmup_throughputs");
        assertThat(warmup).hasSizeBetween(4, 20);
        assertThat(warmup.get(warmup.size() - 1)).isGreaterThan(3 * warmup.get(0));
    }

    @Test
    void warmUpWatchesTheServersJitCompilers() {
        long self = ProcessHandle.current().pid();
        assertThat(ProcFiles.jitCompilerTicks(self)).as("this JVM's C1/C2 compiler threads").isNotEmpty()
                .doesNotContainKey(self);
        Scenario quick = Scenario.of("quick", "call", (connection, done) -> timer.schedule(done::ok, 1, TimeUnit.MILLISECONDS));
        ProcessSampler sampler = new ProcessSampler().add("server", self).addJitCompilers(() -> List.of(self));

        Result result = runner.measure("quick", "test", "none", quick, Runner.Load.closed(1, 4, Duration.ofMillis(300)),
                new Runner.Plan(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofSeconds(3), 1), sampler);

        @SuppressWarnings("unchecked")
        List<Double> throughputs = (List<Double>) result.toJson().get("warmup_throughputs");
        @SuppressWarnings("unchecked")
        List<Double> compilers = (List<Double>) result.toJson().get("warmup_jit_compiler_cores");
        assertThat(compilers).hasSameSizeAs(throughputs).allSatisfy(cores -> assertThat(cores).isNotNegative());
        // Threads of the process: never more than the process (the hidden /proc/<tid>/stat would count all of it).
        assertThat(result.processes().get(ProcessSampler.JIT_COMPILERS).cpuCores())
                .isLessThanOrEqualTo(result.processes().get("server").cpuCores());
    }

    @Test
    void warmUpPausesTheLoadWhileTheCompilersAreBusy() throws InterruptedException {
        long self = ProcessHandle.current().pid();
        long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
        // A thread the sampler takes for a compiler thread (the kernel's name of a Java thread is its name).
        Thread compiling = new Thread(() -> {
            long spins = 0;
            while (System.nanoTime() < busyUntil) {
                spins++;
            }
            assertThat(spins).isPositive();
        }, "C2 CompilerThread9");
        compiling.start();
        Scenario quick = Scenario.of("quick", "call", (connection, done) -> timer.schedule(done::ok, 1, TimeUnit.MILLISECONDS));
        ProcessSampler sampler = new ProcessSampler().addJitCompilers(() -> List.of(self));

        Result result = runner.measure("quick", "test", "none", quick, Runner.Load.closed(1, 4, Duration.ofMillis(300)),
                new Runner.Plan(Duration.ofMillis(300), Duration.ofMillis(600), Duration.ofSeconds(3), 1), sampler);
        compiling.join();

        @SuppressWarnings("unchecked")
        List<Double> throughputs = (List<Double>) result.toJson().get("warmup_throughputs");
        @SuppressWarnings("unchecked")
        List<Double> pauses = (List<Double>) result.toJson().get("warmup_compile_pause_seconds");
        assertThat(pauses).hasSameSizeAs(throughputs);
        // The first window saw the busy "compiler"; the load waited at least one quiet-check slice for it.
        assertThat(pauses.get(0)).isGreaterThanOrEqualTo(1.0)
                .isLessThanOrEqualTo(Runner.MAX_COMPILE_PAUSE.toSeconds() + 1.0);
        assertThat(pauses.get(pauses.size() - 1)).as("no pause after the last window").isZero();
    }

    @Test
    void twoWindowsWithinTenPercentAreSteady() {
        assertThat(Runner.steady(List.of(1000.0))).isFalse();
        assertThat(Runner.steady(List.of(1000.0, 1500.0))).isFalse();
        assertThat(Runner.steady(List.of(1000.0, 1500.0, 1450.0))).isTrue();
        assertThat(Runner.steady(List.of(0.0, 0.0))).isFalse();
    }

    @Test
    void synchronousCompletionsDoNotOverflowTheStack() {
        Scenario immediate = Scenario.of("immediate", "call", (connection, done) -> done.error("UNAVAILABLE"));

        Runner.Run run = runner.run(immediate, Runner.Load.closed(1, 1, Duration.ofMillis(300)), null, "immediate");

        assertThat(run.stats().errorsByCode().get("UNAVAILABLE")).isGreaterThan(1000);
        assertThat(run.stats().okCount()).isZero();
    }
}
