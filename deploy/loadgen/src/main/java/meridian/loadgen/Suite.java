package meridian.loadgen;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import meridian.bench.v1.GreeterGrpc;
import meridian.bench.v1.HelloRequest;
import meridian.platform.ServiceProcess;
import meridian.pricing.v1.GetPriceRequest;

/**
 * The whole benchmark on one machine: baselines B0 (plain grpc-java) and B1 (hello-world Quarkus) driven by this
 * tool and by h2load, D0 (pgbench TPC-B) and D1 (the SQL of one order placement) against the PostgreSQL the
 * services use, then the platform's scenarios with tracing as shipped and with tracing off, and the ratios.
 * Servers run on the server CPUs, this JVM and the client tools on the client CPUs.
 */
public final class Suite {

    /** Where things are and how long to run. */
    public record Options(boolean smoke, Path root, Path out, String serverCpus, String clientCpus, String pgHost,
            int pgPort, String pgUser, String pgPassword, Map<String, String> overrides) {
    }

    /**
     * Durations of one suite: the full one takes 17-22 minutes on 2 cores (mostly warm-up), the smoke one well under a
     * minute. {@code platformWarmup}: the mixed load every freshly started platform gets before its first scenario.
     */
    private record Timing(Runner.Plan plan, Duration run, int toolSeconds, int toolRepeats, int pgbenchScale,
            Duration platformWarmup) {
    }

    static final List<String> SERVICES = List.of("inventory", "pricing", "orders");
    /**
     * The last migration of each service D1's schema is built from: D1 replays the SQL captured on 2026-11-23 (a
     * fixed yardstick), which needs the tables of then (pricing V3 replaced quote_line).
     */
    private static final Map<String, Integer> D1_SCHEMA_VERSIONS = Map.of("inventory", 3, "pricing", 2, "orders", 2);
    private static final String GROUP_B0 = "B0 grpc-java";
    private static final String GROUP_B1 = "B1 Quarkus hello";
    private static final String GROUP_H2LOAD = "h2load cross-check";
    private static final String GROUP_DB = "PostgreSQL (pgbench)";
    private static final String GROUP_TRACED = "platform, tracing as shipped";
    private static final String GROUP_UNTRACED = "platform, tracing off";
    /** Half of the 500 orders/s target: where PlaceOrder's p99 must stay under 50 ms. */
    private static final double PLACE_ORDER_OPEN_RATE = 250;
    private static final String STOCK_FEED = "AdjustStock feed of " + PlatformScenarios.FEED_LINES + " lines";
    private static final String MIXED_NAME = "Mixed 45% GetPrice, 35% GetStockLevel, 15% ReserveStock, 5% PlaceOrder";
    private static final int READ_CONNECTIONS = 2;
    private static final int READ_IN_FLIGHT = 32;
    private static final int WRITE_CONNECTIONS = 2;
    private static final int WRITE_IN_FLIGHT = 8;
    private static final int STREAM_WINDOW = 32;
    private static final int WATCH_SUBSCRIBERS = 16;
    private static final double WATCH_WRITE_RATE = 200;

    private final Options options;
    private final Timing timing;
    private final PrintStream log;
    private final Runner runner;
    private final Tools tools;
    private final Report report = new Report();
    private final Path work;

    public Suite(Options options, PrintStream log) {
        this.options = options;
        this.log = log;
        this.runner = new Runner(log);
        this.tools = new Tools(options.clientCpus());
        this.work = options.out().resolve("work");
        Timing defaults = options.smoke()
                ? new Timing(Runner.Plan.fixed(Duration.ofSeconds(1), 1), Duration.ofSeconds(1), 1, 1, 1, Duration.ofSeconds(1))
                : new Timing(new Runner.Plan(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(90), 3),
                        Duration.ofSeconds(5), 5, 3, 16, Duration.ofSeconds(60));
        Map<String, String> o = options.overrides();
        int seconds = Integer.parseInt(o.getOrDefault("seconds", Long.toString(defaults.run().toSeconds())));
        int repeats = Integer.parseInt(o.getOrDefault("repeats", Integer.toString(defaults.plan().repeats())));
        Duration warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup", Long.toString(defaults.plan().warmup().toSeconds()))));
        Duration maxWarmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("max-warmup",
                Long.toString(Math.max(warmup.toSeconds(), defaults.plan().maxWarmup().toSeconds())))));
        Duration minWarmup = Duration.ofSeconds(Math.min(maxWarmup.toSeconds(), Math.max(warmup.toSeconds(),
                defaults.plan().minWarmup().toSeconds())));
        Duration platformWarmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("platform-warmup",
                Long.toString(defaults.platformWarmup().toSeconds()))));
        this.timing = new Timing(new Runner.Plan(warmup, minWarmup, maxWarmup, repeats), Duration.ofSeconds(seconds), seconds,
                repeats, defaults.pgbenchScale(), platformWarmup);
    }

    public Report run() {
        Instant started = Instant.now();
        describeMachine();
        step(() -> baselineB0());
        step(() -> baselineB1());
        step(() -> databaseBaselines());
        step(() -> platform(true));
        if (!options.smoke()) {
            step(() -> platform(false));
        }
        ratios();
        report.header("suite duration s", Duration.between(started, Instant.now()).toSeconds());
        report.header("load average at end", readAll(Path.of("/proc/loadavg")).strip());
        report.write(options.out());
        log.println("report: " + options.out().resolve("report.html"));
        return report;
    }

    /** A failing part is reported and the suite goes on with the next. */
    private void step(Runnable part) {
        try {
            part.run();
        } catch (RuntimeException e) {
            log.println("FAILED: " + e);
            report.note("a part of the suite failed: " + e.getMessage());
        }
    }

    private void describeMachine() {
        report.header("mode", options.smoke() ? "smoke (1 short run, numbers not meaningful)" : "full");
        report.header("date", Instant.now().toString());
        report.header("commit", gitCommit());
        report.header("load average at start", readAll(Path.of("/proc/loadavg")).strip()
                + " (1, 5, 15 min; other work on the machine shows here)");
        report.header("cpu", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " usable by the client; "
                + totalCpus() + " online");
        report.header("memory", memTotal());
        report.header("kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        report.header("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (services and tool)");
        report.header("cpu pinning", options.serverCpus().isEmpty() ? "none (taskset missing or fewer than 2 CPUs)"
                : "servers (services, baselines, PostgreSQL) on CPU " + options.serverCpus()
                        + " (server JVMs pinned right after start, so all size GC and pools alike), load tools on CPU "
                        + options.clientCpus());
        report.header("plan", String.format(Locale.ROOT, "warm-up in %ss windows, at least %ss, until two windows differ by at"
                + " most %.0f %% in throughput (at most %ss; open loop and tools: one window), then %d runs of %ss each,"
                + " median reported; each freshly started platform first gets %ss of the mixed load",
                timing.plan().warmup().toSeconds(), timing.plan().minWarmup().toSeconds(),
                Runner.STEADY_CHANGE * 100, timing.plan().maxWarmup().toSeconds(),
                timing.plan().repeats(), timing.run().toSeconds(), timing.platformWarmup().toSeconds()));
        report.header("client jvm", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        try (Connection c = admin()) {
            report.header("postgresql", query(c, "SELECT version()") + "; fsync=" + query(c, "SHOW fsync")
                    + ", synchronous_commit=" + query(c, "SHOW synchronous_commit") + ", shared_buffers="
                    + query(c, "SHOW shared_buffers"));
        } catch (SQLException e) {
            report.header("postgresql", "not reachable: " + e.getMessage());
        }
    }

    // ---- baselines ------------------------------------------------------------------------------------------

    private void baselineB0() {
        int port = freePort();
        try (Child b0 = Child.start("b0", List.of(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "b0-server", "--port", Integer.toString(port)), options.serverCpus(), work)) {
            report.startup("B0 grpc-java hello", awaitHello(port, b0));
            report.note("B0 transport: " + (PlainGrpcServer.epoll() ? "Netty epoll" : "Netty NIO (epoll unavailable)")
                    + ", direct executor");
            ProcessSampler sampler = sampler().add("b0", b0.pid()).addJitCompilers(() -> List.of(b0.pid()));
            try (Channels channels = new Channels("localhost", port, READ_CONNECTIONS)) {
                measure("SayHello", GROUP_B0, "localhost:" + port, BaselineScenarios.hello(channels), readLoad(), sampler);
            }
            try (Channels channels = new Channels("localhost", port, 1)) {
                measure("Echo one stream", GROUP_B0, "localhost:" + port, BaselineScenarios.echo(channels, "x".repeat(24)),
                        streamLoad(), sampler);
            }
            h2load("B0 SayHello (h2load)", port, SAY_HELLO_PATH, hello());
        }
    }

    private void baselineB1() {
        Path jar = options.root().resolve("deploy/loadgen/hello-quarkus/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("B1 is not built: " + jar);
        }
        int port = freePort();
        try (Child b1 = Child.start("b1", List.of(javaExecutable(), "-Dquarkus.http.port=" + port, "-jar", jar.toString()),
                options.serverCpus(), work)) {
            report.startup("B1 Quarkus hello", awaitHello(port, b1));
            ProcessSampler sampler = sampler().add("b1", b1.pid()).addJitCompilers(() -> List.of(b1.pid()));
            try (Channels channels = new Channels("localhost", port, READ_CONNECTIONS)) {
                measure("SayHello", GROUP_B1, "localhost:" + port, BaselineScenarios.hello(channels), readLoad(), sampler);
            }
            h2load("B1 SayHello (h2load)", port, SAY_HELLO_PATH, hello());
        }
    }

    private static final String SAY_HELLO_PATH = "/meridian.bench.v1.Greeter/SayHello";

    private static byte[] hello() {
        return HelloRequest.newBuilder().setName("loadgen").build().toByteArray();
    }

    /** h2load sends one request over and over: {@code message} to {@code path} (a unary gRPC method). */
    private void h2load(String name, int port, String path, byte[] message) {
        if (!Tools.installed("h2load")) {
            report.note("h2load is not installed: no cross-check (apt-get install nghttp2-client)");
            return;
        }
        byte[] frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
        List<Double> rates = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        for (int i = 0; i < timing.toolRepeats(); i++) {
            Tools.Measurement m = tools.h2load("http://127.0.0.1:" + port + path, frame,
                    READ_CONNECTIONS, READ_IN_FLIGHT, timing.toolSeconds(), work);
            log.printf(Locale.ROOT, "  %-40s %10.0f req/s  mean %.2f ms%n", name, m.perSecond(), m.meanMillis());
            rates.add(m.perSecond());
            ok += m.ok();
            failed += m.failed();
        }
        report.add(Result.external(name, GROUP_H2LOAD, "localhost:" + port, "call",
                String.format(Locale.ROOT, "h2load -c %d -m %d -D %d (HTTP status only: grpc-status is not read)",
                        READ_CONNECTIONS, READ_IN_FLIGHT, timing.toolSeconds()),
                rates, Result.Latency.UNKNOWN, ok, failed == 0 ? Map.of() : Map.of("HTTP_FAILED", failed), Map.of()));
    }

    private void databaseBaselines() {
        if (!Tools.installed("pgbench")) {
            report.note("pgbench is not installed: no D0/D1 baselines");
            return;
        }
        recreateDatabase("bench_d0");
        tools.exec(work, withConnection(List.of("pgbench", "-i", "-q", "-s", Integer.toString(timing.pgbenchScale())),
                "bench_d0"), pgEnv());
        pgbench("D0 TPC-B (pgbench -M prepared)", "bench_d0", List.of(), "transaction");
        recreateDatabase("bench_d1");
        try (Connection c = connect("bench_d1"); Statement s = c.createStatement()) {
            for (String service : SERVICES) {
                s.execute("CREATE SCHEMA " + service + "; SET search_path TO " + service);
                for (Path migration : migrations(service, D1_SCHEMA_VERSIONS.get(service))) {
                    s.execute(Files.readString(migration));
                }
            }
            s.execute("SET search_path TO public");
            s.execute("INSERT INTO inventory.stock_level SELECT 'bench-a', 'BENCH-' || lpad(i::text, 5, '0'), "
                    + "1000000000000, 0, 0, now() FROM generate_series(1, 1000) i");
            s.execute("INSERT INTO pricing.price (sku, currency_code, unit_minor, revision, update_actor, update_time) "
                    + "SELECT 'BENCH-' || lpad(i::text, 5, '0'), 'EUR', 1000, 1, 'bench', now() FROM generate_series(1, 1000) i");
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot prepare D1: " + e.getMessage(), e);
        }
        Path script = work.resolve("d1-place-order.sql");
        try (var in = Suite.class.getResourceAsStream("/bench/d1-place-order.sql")) {
            Files.write(script, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pgbench("D1 order placement SQL (pgbench -M prepared)", "bench_d1", List.of("-f", script.toString()), "order");
    }

    private void pgbench(String name, String database, List<String> script, String unit) {
        List<String> connection = withConnection(List.of(), database);
        if (!timing.plan().warmup().isZero()) {
            tools.pgbench(connection, pgEnv(), script, WRITE_CONNECTIONS * WRITE_IN_FLIGHT,
                    (int) timing.plan().warmup().toSeconds(), work);
        }
        List<Double> rates = new ArrayList<>();
        List<Result.Latency> latencies = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        for (int i = 0; i < timing.toolRepeats(); i++) {
            Tools.Measurement m = tools.pgbench(connection, pgEnv(), script, WRITE_CONNECTIONS * WRITE_IN_FLIGHT,
                    timing.toolSeconds(), work);
            Result.Latency l = Result.Latency.of(m.latencies());
            log.printf(Locale.ROOT, "  %-40s %10.0f %s/s  p50 %7.2f ms  p99 %7.2f ms%n", name, m.perSecond(), unit, l.p50(), l.p99());
            rates.add(m.perSecond());
            latencies.add(l);
            ok += m.ok();
            failed += m.failed();
        }
        Result.Latency median = new Result.Latency(Result.medianOf(latencies, Result.Latency::p50),
                Result.medianOf(latencies, Result.Latency::p90), Result.medianOf(latencies, Result.Latency::p99),
                Result.medianOf(latencies, Result.Latency::p999), Result.medianOf(latencies, Result.Latency::max));
        report.add(Result.external(name, GROUP_DB, options.pgHost() + ":" + options.pgPort() + "/" + database, unit,
                String.format(Locale.ROOT, "pgbench -M prepared -c %d -j 1 -T %d%s", WRITE_CONNECTIONS * WRITE_IN_FLIGHT,
                        timing.toolSeconds(), script.isEmpty() ? ", scale " + timing.pgbenchScale() : ", custom script"),
                rates, median, ok, failed == 0 ? Map.of() : Map.of("FAILED_TRANSACTIONS", failed), Map.of()));
    }

    /** The service's migrations V1 to V{@code upTo}, in version order. */
    private List<Path> migrations(String service, int upTo) throws IOException {
        try (var files = Files.list(options.root().resolve(service).resolve("src/main/resources/db/migration"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .filter(f -> migrationVersion(f) <= upTo)
                    .sorted(Comparator.comparingInt(Suite::migrationVersion)).toList();
        }
    }

    /** The version of a Flyway migration file: 3 for V3__name.sql. */
    private static int migrationVersion(Path migration) {
        String name = migration.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    // ---- the platform ---------------------------------------------------------------------------------------

    private void platform(boolean traced) {
        String group = traced ? GROUP_TRACED : GROUP_UNTRACED;
        SERVICES.forEach(this::recreateDatabase);
        Map<String, Integer> ports = new HashMap<>();
        SERVICES.forEach(s -> ports.put(s, freePort()));
        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        Map<String, Long> pids = new LinkedHashMap<>();
        OtlpSink sink = traced ? new OtlpSink() : null;
        try {
            ProcessSampler sampler = sampler().addByCommand("postgres", "postgres")
                    .addJitCompilers(() -> List.copyOf(pids.values()));
            // Full suite: one at a time, so each start-up is measured without the others competing for the CPU.
            // Smoke: inventory and pricing together, then orders (which needs both), as deploy/run does.
            List<List<String>> waves = options.smoke() ? List.of(List.of("inventory", "pricing"), List.of("orders"))
                    : SERVICES.stream().map(List::of).toList();
            for (List<String> wave : waves) {
                Map<String, Long> starts = new HashMap<>();
                for (String service : wave) {
                    ServiceProcess process = service(service, ports, sink);
                    services.put(service, process);
                    starts.put(service, System.nanoTime());
                    process.start();
                    long pid = Child.pidOf(service, ports.get(service));
                    Child.pin(pid, options.serverCpus());
                    sampler.add(service, pid);
                    pids.put(service, pid);
                }
                for (String service : wave) {
                    services.get(service).awaitServing(Duration.ofSeconds(120), Duration.ofMillis(20));
                    report.startup(service + (traced ? "" : " (tracing off)") + (wave.size() > 1 ? " (started with "
                            + String.join(", ", wave) + ")" : ""), (System.nanoTime() - starts.get(service)) / 1e9);
                }
            }
            try (Channels inventory = new Channels("localhost", ports.get("inventory"), Math.max(READ_CONNECTIONS, WATCH_SUBSCRIBERS));
                    Channels pricing = new Channels("localhost", ports.get("pricing"), READ_CONNECTIONS);
                    Channels orders = new Channels("localhost", ports.get("orders"), WRITE_CONNECTIONS)) {
                Catalog catalog = Catalog.generate("bench-a", "BENCH", 1000, 42).seed(inventory.get(0), pricing.get(0));
                warmPlatform(group, catalog, inventory, pricing, orders);
                scenarios(group, traced, catalog, inventory, pricing, orders, sampler);
                if (traced && !options.smoke()) {
                    profile("PlaceOrder", PlatformScenarios.placeOrder(orders, catalog), writeLoad(), pids);
                }
            }
        } finally {
            services.values().forEach(ServiceProcess::stop);
            if (sink != null) {
                report.note(group + ": " + sink.spans() + " spans exported to the OTLP sink (in the client JVM)");
                sink.close();
            }
        }
    }

    private void scenarios(String group, boolean traced, Catalog catalog, Channels inventory, Channels pricing,
            Channels orders, ProcessSampler sampler) {
        String target = "inventory, pricing, orders";
        measure("GetPrice", group, target, PlatformScenarios.getPrice(pricing, catalog), readLoad(), sampler);
        if (traced) {
            // The issue's own method: h2load repeating one cached GetPrice, beside h2load on B1.
            h2load("GetPrice (h2load, one cached SKU)", pricing.port(), "/meridian.pricing.v1.PricingService/GetPrice",
                    GetPriceRequest.newBuilder().setName(catalog.priceName(0)).build().toByteArray());
        }
        measure("ReserveStock", group, target, PlatformScenarios.reserveStock(inventory, catalog), writeLoad(), sampler);
        measure("PlaceOrder", group, target, PlatformScenarios.placeOrder(orders, catalog), writeLoad(), sampler);
        if (options.smoke()) {
            return;
        }
        measure("GetStockLevel", group, target, PlatformScenarios.getStockLevel(inventory, catalog), readLoad(), sampler);
        measure(STOCK_FEED, group, target, PlatformScenarios.stockFeed(inventory, catalog),
                Runner.Load.closed(1, 1, timing.run()), sampler);
        try (Channels one = new Channels("localhost", pricing.port(), 1)) {
            measure("QuotePrices one stream", group, target, PlatformScenarios.quoteOneStream(one, catalog), streamLoad(),
                    sampler);
        }
        if (!traced) {
            return;
        }
        measure("PlaceOrder at " + (int) PLACE_ORDER_OPEN_RATE + "/s", group, target,
                PlatformScenarios.placeOrder(orders, catalog),
                Runner.Load.open(WRITE_CONNECTIONS, PLACE_ORDER_OPEN_RATE, timing.run()), sampler);
        measure("QuotePrices many streams", group, target, PlatformScenarios.quoteManyStreams(pricing, catalog),
                writeLoad(), sampler);
        measure(MIXED_NAME, group, target, mixed(catalog, inventory, pricing, orders), mixedLoad(timing.run()), sampler);
        watchFanout(group, catalog, inventory, sampler);
    }

    /**
     * The mixed load, unmeasured, on a freshly started platform, so every scenario starts with JIT-compiled code paths
     * of all three services. Without it the database-backed scenarios were still getting faster after their own 45 s
     * of warm-up (ReserveStock windows 90, 139, 188, 191/s, then runs of 195, 285, 300/s), compiling on the one core the
     * services and PostgreSQL share.
     */
    private void warmPlatform(String group, Catalog catalog, Channels inventory, Channels pricing, Channels orders) {
        if (timing.platformWarmup().isZero()) {
            return;
        }
        log.println(group + ": platform warm-up, " + timing.platformWarmup().toSeconds() + " s of " + MIXED_NAME);
        List<Double> windows = new ArrayList<>();
        Duration window = timing.plan().warmup().isZero() ? timing.platformWarmup() : timing.plan().warmup();
        try (Scenario scenario = mixed(catalog, inventory, pricing, orders)) {
            for (Duration spent = Duration.ZERO; spent.compareTo(timing.platformWarmup()) < 0; spent = spent.plus(window)) {
                windows.add(runner.run(scenario, mixedLoad(window), null, "platform warm-up " + (windows.size() + 1))
                        .throughput());
            }
        }
        report.note(String.format(Locale.ROOT, "%s: platform warm-up (%s), operations/s per %ss window: %s", group,
                MIXED_NAME, window.toSeconds(), windows.stream().map(t -> String.format(Locale.ROOT, "%.0f", t)).toList()));
    }

    private static Scenario mixed(Catalog catalog, Channels inventory, Channels pricing, Channels orders) {
        return PlatformScenarios.mixed("Mixed", List.of(
                new PlatformScenarios.Weighted(45, PlatformScenarios.getPrice(pricing, catalog)),
                new PlatformScenarios.Weighted(35, PlatformScenarios.getStockLevel(inventory, catalog)),
                new PlatformScenarios.Weighted(15, PlatformScenarios.reserveStock(inventory, catalog)),
                new PlatformScenarios.Weighted(5, PlatformScenarios.placeOrder(orders, catalog))));
    }

    private static Runner.Load mixedLoad(Duration duration) {
        return Runner.Load.closed(READ_CONNECTIONS, 16, duration);
    }

    private void watchFanout(String group, Catalog seeded, Channels inventory, ProcessSampler sampler) {
        Catalog watched = new Catalog("bench-w", List.of(seeded.sku(0), seeded.sku(1), seeded.sku(2), seeded.sku(3)),
                new long[] {seeded.priceCents(0), seeded.priceCents(1), seeded.priceCents(2), seeded.priceCents(3)});
        try (Channels writers = new Channels("localhost", inventory.port(), 1);
                WatchFanout fanout = new WatchFanout(inventory, writers, watched, WATCH_SUBSCRIBERS)) {
            sleep(Duration.ofSeconds(1));
            Runner.Load load = Runner.Load.open(1, WATCH_WRITE_RATE, timing.run());
            if (!timing.plan().warmup().isZero()) {
                runner.run(fanout, new Runner.Load(load.mode(), 1, 0, WATCH_WRITE_RATE, timing.plan().warmup()), null,
                        "WatchStockLevels warm-up");
            }
            List<Runner.Run> events = new ArrayList<>();
            List<Double> writes = new ArrayList<>();
            for (int i = 1; i <= timing.plan().repeats(); i++) {
                fanout.takeEvents();
                Runner.Run w = runner.run(fanout, load, sampler, "WatchStockLevels run " + i);
                sleep(Duration.ofMillis(500));
                events.add(new Runner.Run(fanout.takeEvents(), w.seconds(), w.usage()));
                writes.add(w.throughput());
            }
            report.add(Result.of("WatchStockLevels fan-out", group, "inventory", "event", String.format(Locale.ROOT,
                    "%d subscribers on one location, writes (AdjustStock) at %.0f/s open loop; latency = lag from commit",
                    WATCH_SUBSCRIBERS, WATCH_WRITE_RATE), events)
                    .with("writes_per_second", Result.medianOf(writes, Double::doubleValue))
                    .with("expected_events_per_second", Result.medianOf(writes, Double::doubleValue) * WATCH_SUBSCRIBERS));
        }
    }

    private ServiceProcess service(String service, Map<String, Integer> ports, OtlpSink sink) {
        String prefix = service.toUpperCase(Locale.ROOT);
        Map<String, String> env = new HashMap<>();
        env.put(prefix + "_DB_URL", "jdbc:postgresql://" + options.pgHost() + ":" + options.pgPort() + "/" + service);
        env.put(prefix + "_DB_USER", options.pgUser());
        env.put(prefix + "_DB_PASSWORD", options.pgPassword());
        env.put("INVENTORY_HOST", "localhost");
        env.put("INVENTORY_PORT", Integer.toString(ports.get("inventory")));
        env.put("PRICING_HOST", "localhost");
        env.put("PRICING_PORT", Integer.toString(ports.get("pricing")));
        List<String> properties = new ArrayList<>();
        if (sink != null) {
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", sink.endpoint());
        } else {
            properties.add("-Dquarkus.otel.sdk.disabled=true");
        }
        Path jar = options.root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        return new ServiceProcess(service, jar, ports.get(service), env, properties, work.resolve("logs/" + service + ".log"));
    }

    /**
     * One extra, unreported run of a scenario with Java Flight Recorder in every service, summarised per service by
     * layer and hottest methods (the recordings are deleted: they are large and the summary is what is read).
     */
    private void profile(String name, Scenario scenario, Runner.Load load, Map<String, Long> pids) {
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path dir = work.resolve("profiles");
        try (scenario) {
            Files.createDirectories(dir);
            for (Map.Entry<String, Long> p : pids.entrySet()) {
                tools.exec(dir, List.of(bin.resolve("jcmd").toString(), p.getValue().toString(), "JFR.start", "name=bench",
                        "settings=profile", "filename=" + dir.resolve(p.getKey() + ".jfr")), Map.of());
            }
            runner.run(scenario, load, null, name + " under JFR");
            for (Map.Entry<String, Long> p : pids.entrySet()) {
                tools.exec(dir, List.of(bin.resolve("jcmd").toString(), p.getValue().toString(), "JFR.stop", "name=bench"),
                        Map.of());
                Path recording = dir.resolve(p.getKey() + ".jfr");
                String samples = tools.exec(dir, List.of(bin.resolve("jfr").toString(), "print", "--events",
                        "jdk.ExecutionSample", "--stack-depth", "64", recording.toString()), Map.of());
                report.profile(p.getKey() + " during " + name + " (" + load.describe() + ")",
                        JfrSummary.summarise(samples, 15));
                Files.deleteIfExists(recording);
            }
        } catch (IOException | RuntimeException e) {
            report.note("profiling " + name + " failed: " + e.getMessage());
        }
    }

    // ---- measuring and ratios -------------------------------------------------------------------------------

    private void measure(String name, String group, String target, Scenario scenario, Runner.Load load,
            ProcessSampler sampler) {
        try (scenario) {
            log.println(group + ": " + name + " (" + load.describe() + ")");
            Result result = runner.measure(name, group, target, scenario, load, timing.plan(), sampler);
            report.add(result);
            log.printf(Locale.ROOT, "  => %.0f %s/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, errors %s%n", result.throughput(),
                    result.unit(), result.latency().p50(), result.latency().p99(), result.latency().p999(), result.errors());
        }
    }

    private Runner.Load readLoad() {
        return Runner.Load.closed(READ_CONNECTIONS, READ_IN_FLIGHT, timing.run());
    }

    private Runner.Load writeLoad() {
        return Runner.Load.closed(WRITE_CONNECTIONS, WRITE_IN_FLIGHT, timing.run());
    }

    private Runner.Load streamLoad() {
        return Runner.Load.closed(1, STREAM_WINDOW, timing.run());
    }

    private void ratios() {
        ratio("cached GetPrice / B1 SayHello", GROUP_TRACED, "GetPrice", GROUP_B1, "SayHello", 0.4);
        ratio("cached GetPrice / B1 SayHello, both by h2load", GROUP_H2LOAD, "GetPrice (h2load, one cached SKU)",
                GROUP_H2LOAD, "B1 SayHello (h2load)", 0.4);
        ratio("GetPrice / B0 SayHello", GROUP_TRACED, "GetPrice", GROUP_B0, "SayHello", Double.NaN);
        ratio("GetStockLevel / B1 SayHello", GROUP_TRACED, "GetStockLevel", GROUP_B1, "SayHello", Double.NaN);
        ratio("GetStockLevel / B0 SayHello", GROUP_TRACED, "GetStockLevel", GROUP_B0, "SayHello", Double.NaN);
        ratio("ReserveStock / D0 TPC-B", GROUP_TRACED, "ReserveStock", GROUP_DB, "D0 TPC-B (pgbench -M prepared)", 0.5);
        ratio("PlaceOrder / D1 order SQL", GROUP_TRACED, "PlaceOrder", GROUP_DB,
                "D1 order placement SQL (pgbench -M prepared)", 0.5);
        ratio("QuotePrices lines / raw bidi echo (one stream)", GROUP_TRACED, "QuotePrices one stream", GROUP_B0,
                "Echo one stream", 0.5);
        ratio("B0 loadgen / B0 h2load", GROUP_B0, "SayHello", GROUP_H2LOAD, "B0 SayHello (h2load)", Double.NaN);
        ratio("B1 loadgen / B1 h2load", GROUP_B1, "SayHello", GROUP_H2LOAD, "B1 SayHello (h2load)", Double.NaN);
        Result place = report.find(GROUP_TRACED, "PlaceOrder");
        if (place != null) {
            report.ratio(new Report.Ratio("PlaceOrder orders/s", "PlaceOrder", "-", place.throughput(), ">= 500",
                    place.throughput() >= 500));
        }
        Result feed = report.find(GROUP_TRACED, STOCK_FEED);
        if (feed != null) {
            report.ratio(new Report.Ratio("AdjustStock " + PlatformScenarios.FEED_LINES + "-line feed, p50 ms", STOCK_FEED,
                    "-", feed.latency().p50(), "< 1000", feed.errorCount() == 0 && feed.latency().p50() < 1000));
        }
        Result open = report.find(GROUP_TRACED, "PlaceOrder at " + (int) PLACE_ORDER_OPEN_RATE + "/s");
        if (open != null) {
            report.ratio(new Report.Ratio("PlaceOrder p99 ms at " + (int) PLACE_ORDER_OPEN_RATE + "/s (open loop)",
                    "PlaceOrder at " + (int) PLACE_ORDER_OPEN_RATE + "/s", "-", open.latency().p99(), "< 50",
                    open.errorCount() == 0 && open.latency().p99() < 50));
        }
        for (Result traced : report.results()) {
            Result off = traced.group().equals(GROUP_TRACED) ? report.find(GROUP_UNTRACED, traced.name()) : null;
            if (off != null && off.throughput() > 0) {
                double cost = 1 - traced.throughput() / off.throughput();
                report.ratio(new Report.Ratio("tracing cost, " + traced.name() + " (1 - on/off)", traced.name(),
                        traced.name() + " (tracing off)", cost, "<= 0.15", cost <= 0.15));
            }
        }
    }

    private void ratio(String name, String group, String scenario, String baseGroup, String baseline, double atLeast) {
        Result r = report.find(group, scenario);
        Result base = report.find(baseGroup, baseline);
        if (r == null || base == null || base.throughput() == 0) {
            report.ratio(new Report.Ratio(name, scenario, baseline, Double.NaN, Double.isNaN(atLeast) ? "-" : ">= " + atLeast,
                    null));
            return;
        }
        double value = r.throughput() / base.throughput();
        boolean clean = r.errorCount() == 0;
        report.ratio(new Report.Ratio(name, group + ": " + scenario, baseGroup + ": " + baseline, value,
                Double.isNaN(atLeast) ? "-" : ">= " + atLeast, Double.isNaN(atLeast) ? null : clean && value >= atLeast));
    }

    // ---- processes and PostgreSQL ---------------------------------------------------------------------------

    private ProcessSampler sampler() {
        return new ProcessSampler().add("load generator", ProcessHandle.current().pid());
    }

    /** Seconds from process start until SayHello answers. */
    private static double awaitHello(int port, Child child) {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                try {
                    GreeterGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                            .sayHello(HelloRequest.newBuilder().setName("up").build());
                    return (System.nanoTime() - child.startNanos()) / 1e9;
                } catch (StatusRuntimeException notYet) {
                    channel.resetConnectBackoff(); // see ServiceProcess.awaitServing
                    sleep(Duration.ofMillis(20));
                }
            }
            throw new IllegalStateException(child.name() + " did not answer within 60 s; see " + child.log());
        } finally {
            channel.shutdownNow();
        }
    }

    private void recreateDatabase(String database) {
        try (Connection c = admin(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + database + ": " + e.getMessage(), e);
        }
    }

    private Connection admin() throws SQLException {
        return connect("postgres");
    }

    private Connection connect(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + options.pgHost() + ":" + options.pgPort() + "/" + database,
                options.pgUser(), options.pgPassword());
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private List<String> withConnection(List<String> command, String database) {
        List<String> full = new ArrayList<>(command);
        full.addAll(List.of("-h", options.pgHost(), "-p", Integer.toString(options.pgPort()), "-U", options.pgUser(), database));
        return full;
    }

    private Map<String, String> pgEnv() {
        return Map.of("PGPASSWORD", options.pgPassword());
    }

    private static String cpuModel() {
        return readLines(Path.of("/proc/cpuinfo"), l -> l.startsWith("model name") ? l.substring(l.indexOf(':') + 1).strip() : null);
    }

    private static String totalCpus() {
        return Long.toString(readAll(Path.of("/proc/cpuinfo")).lines().filter(l -> l.startsWith("processor")).count());
    }

    private static String memTotal() {
        String kb = readLines(Path.of("/proc/meminfo"), l -> l.startsWith("MemTotal:") ? l.replaceAll("\\D", "") : null);
        return kb.equals("unknown") ? kb : String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb) / 1024.0 / 1024.0);
    }

    private static String readLines(Path file, Function<String, String> pick) {
        return readAll(file).lines().map(pick).filter(v -> v != null).findFirst().orElse("unknown");
    }

    private static String readAll(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "-C", options.root().toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).strip();
            return git.waitFor() == 0 ? out : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
