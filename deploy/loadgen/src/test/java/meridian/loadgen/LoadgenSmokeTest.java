package meridian.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import meridian.platform.LocalPlatform;

/**
 * The tool end to end with a tiny load: the B0 baseline in this JVM and a real platform started from the packaged
 * services. Asserts what is counted, classified and written, never how fast anything is.
 */
class LoadgenSmokeTest {

    private static final Runner.Plan ONE_RUN = Runner.Plan.fixed(Duration.ZERO, 1);
    /** A just-started service answers its first calls slowly: warm it up so a short run completes some. */
    private static final Runner.Plan WARMED_RUN = Runner.Plan.fixed(Duration.ofSeconds(2), 1);

    private final Runner runner = new Runner(System.out);

    @Test
    void drivesB0AndAServiceValidatesResponsesAndWritesTheReport(@TempDir Path out) throws IOException {
        Report report = new Report().header("mode", "test");
        ProcessSampler sampler = new ProcessSampler().add("load generator", ProcessHandle.current().pid());
        try (PlainGrpcServer b0 = new PlainGrpcServer(0); Channels channels = new Channels("localhost", b0.port(), 2)) {
            // Warmed too: on a loaded machine the fresh channels' first calls took longer than a 1 s run.
            Result closed = runner.measure("SayHello", "B0", "b0", BaselineScenarios.hello(channels),
                    Runner.Load.closed(2, 4, Duration.ofSeconds(1)), WARMED_RUN, sampler);
            Result open = runner.measure("SayHello at 200/s", "B0", "b0", BaselineScenarios.hello(channels),
                    Runner.Load.open(2, 200, Duration.ofSeconds(1)), ONE_RUN, sampler);
            Result echo = runner.measure("Echo", "B0", "b0", BaselineScenarios.echo(channels, "payload"),
                    Runner.Load.closed(2, 8, Duration.ofSeconds(1)), ONE_RUN, sampler);
            for (Result r : List.of(closed, open, echo)) {
                assertThat(r.okCount()).as(r.name()).isPositive();
                assertThat(r.errors()).as(r.name()).isEmpty();
                assertThat(r.processes()).containsKey("load generator");
                report.add(r);
            }
        }

        Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(root, null, out.resolve("logs"), 0,
                Map.of(), null, List.of("-Xmx256m")), step -> System.out.println("[smoke] " + step));
                Channels inventory = new Channels("localhost", platform.port("inventory"), 1);
                Channels pricing = new Channels("localhost", platform.port("pricing"), 2)) {
            Catalog seeded = Catalog.generate("smoke", "SMOKE", 20, 1).seed(inventory.get(0), pricing.get(0));
            Result prices = runner.measure("GetPrice", "platform", "pricing", PlatformScenarios.getPrice(pricing, seeded),
                    Runner.Load.closed(2, 4, Duration.ofSeconds(2)), WARMED_RUN, sampler);
            Result unknown = runner.measure("GetPrice unknown SKU", "platform", "pricing",
                    PlatformScenarios.getPrice(pricing, Catalog.generate("smoke", "NOPE", 5, 1)),
                    Runner.Load.closed(1, 2, Duration.ofSeconds(1)), ONE_RUN, sampler);
            // Same SKUs, other prices: the service answers OK, but not what was seeded.
            Result wrong = runner.measure("GetPrice wrong price", "platform", "pricing",
                    PlatformScenarios.getPrice(pricing, Catalog.generate("smoke", "SMOKE", 20, 2)),
                    Runner.Load.closed(1, 2, Duration.ofSeconds(1)), ONE_RUN, sampler);

            // A whole 10,000-line feed per operation; the summary must count every line applied.
            Result feed = runner.measure("AdjustStock feed", "platform", "inventory",
                    PlatformScenarios.stockFeed(inventory, seeded), Runner.Load.closed(1, 1, Duration.ofSeconds(3)),
                    WARMED_RUN, sampler);

            assertThat(feed.okCount()).isPositive();
            assertThat(feed.errors()).isEmpty();
            assertThat(prices.okCount()).isPositive();
            assertThat(prices.errors()).isEmpty();
            assertThat(unknown.okCount()).isZero();
            assertThat(unknown.errors()).containsOnlyKeys("NOT_FOUND");
            assertThat(wrong.errors()).containsKey(Outcomes.INVALID);
            assertThat(wrong.okCount()).isLessThan(wrong.errorCount());
            List.of(prices, unknown, wrong, feed).forEach(report::add);
        }

        report.write(out);
        String json = Files.readString(out.resolve("report.json"));
        String html = Files.readString(out.resolve("report.html"));
        assertThat(json).contains("\"GetPrice unknown SKU\"", "\"NOT_FOUND\"", "\"INVALID_RESPONSE\"", "\"p99_9\"");
        assertThat(html).contains("<svg", "GetPrice", "SayHello at 200/s");
    }
}
