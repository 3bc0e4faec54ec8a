package meridian.loadgen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Command line. {@code suite [--smoke]}: the whole benchmark (what deploy/bench runs). {@code run}: one scenario
 * against running servers, like ghz. {@code b0-server}: the plain grpc-java baseline server.
 */
public final class Main {

    private static final String USAGE = """
            usage:
              loadgen suite [--smoke] --root DIR --out DIR [--server-cpus 0] [--client-cpus 1]
                            [--pg localhost:5432] [--pg-user bench] [--pg-password bench]
                            [--seconds 5] [--warmup 5] [--max-warmup 90] [--repeats 3]   (per measurement)
                            [--platform-warmup 60]   (mixed load on each freshly started platform)
              loadgen run --scenario NAME [--target host:port | --inventory h:p --pricing h:p --orders h:p]
                          [--mode closed|open] [--connections 2] [--in-flight 32] [--rate 1000]
                          [--duration 10] [--warmup 2] [--max-warmup 2] [--repeats 1] [--out DIR]
                          [--sample name=pid,command]   (CPU of those processes per operation; a pid's JIT
                                                          compilers are watched, and warm-up waits for them)
                 scenarios: SayHello, Echo (baselines, --target); GetPrice, GetStockLevel, ReserveStock, PlaceOrder,
                            QuoteOneStream, QuoteManyStreams, StockFeed (seed their data through inventory
                            and pricing first)
              loadgen b0-server --port PORT
            """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.print(USAGE);
            System.exit(2);
        }
        Map<String, String> flags = flags(List.of(args).subList(1, args.length));
        switch (args[0]) {
            case "suite" -> suite(flags);
            case "run" -> run(flags);
            case "b0-server" -> {
                PlainGrpcServer server = new PlainGrpcServer(Integer.parseInt(flags.getOrDefault("port", "0")));
                System.out.println("B0 listening on " + server.port() + (PlainGrpcServer.epoll() ? " (epoll)" : " (nio)"));
                server.awaitTermination();
            }
            default -> {
                System.err.print(USAGE);
                System.exit(2);
            }
        }
    }

    private static void suite(Map<String, String> flags) {
        String[] pg = flags.getOrDefault("pg", "localhost:5432").split(":");
        Suite.Options options = new Suite.Options(flags.containsKey("smoke"), Path.of(flags.getOrDefault("root", ".")).toAbsolutePath(),
                Path.of(required(flags, "out")).toAbsolutePath(), flags.getOrDefault("server-cpus", ""),
                flags.getOrDefault("client-cpus", ""), pg[0], Integer.parseInt(pg[1]), flags.getOrDefault("pg-user", "bench"),
                flags.getOrDefault("pg-password", "bench"), flags);
        new Suite(options, System.out).run();
        System.exit(0);
    }

    private static void run(Map<String, String> flags) {
        String scenarioName = required(flags, "scenario");
        int connections = Integer.parseInt(flags.getOrDefault("connections", "2"));
        Duration duration = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("duration", "10")));
        Runner.Load load = "open".equals(flags.get("mode"))
                ? Runner.Load.open(connections, Double.parseDouble(flags.getOrDefault("rate", "1000")), duration)
                : Runner.Load.closed(connections, Integer.parseInt(flags.getOrDefault("in-flight", "32")), duration);
        Duration warmup = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("warmup", "2")));
        Duration maxWarmup = Duration.ofSeconds(Long.parseLong(flags.getOrDefault("max-warmup", Long.toString(warmup.toSeconds()))));
        Runner.Plan plan = new Runner.Plan(warmup, warmup, maxWarmup, Integer.parseInt(flags.getOrDefault("repeats", "1")));
        Report report = new Report().header("command", "loadgen run " + flags);
        ProcessSampler sampler = new ProcessSampler().add("load generator", ProcessHandle.current().pid());
        // --sample inventory=1234,postgres: CPU of those processes over the measured runs (a command name: all of them).
        List<Long> jvms = new ArrayList<>();
        for (String process : flags.getOrDefault("sample", "").split(",")) {
            if (process.contains("=")) {
                long pid = Long.parseLong(process.substring(process.indexOf('=') + 1));
                sampler.add(process.substring(0, process.indexOf('=')), pid);
                jvms.add(pid);
            } else if (!process.isBlank()) {
                sampler.addByCommand(process, process);
            }
        }
        if (!jvms.isEmpty()) {
            sampler.addJitCompilers(() -> jvms);
        }
        try (Scenario scenario = scenario(scenarioName, flags, connections)) {
            report.add(new Runner(System.out).measure(scenario.name(), "run", flags.getOrDefault("target", ""), scenario,
                    load, plan, sampler));
        }
        Result result = report.results().get(0);
        System.out.printf("%s: %.0f %s/s  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f ms  ok %d  errors %s%n", result.name(),
                result.throughput(), result.unit(), result.latency().p50(), result.latency().p90(), result.latency().p99(),
                result.latency().p999(), result.okCount(), result.errors());
        result.processes().forEach((process, usage) -> System.out.printf("  %-16s %.3f cores, %.1f µs CPU per %s%n",
                process, usage.cpuCores(), usage.cpuCores() / result.throughput() * 1e6, result.unit()));
        if (flags.containsKey("out")) {
            report.write(Path.of(flags.get("out")));
        }
        System.exit(0);
    }

    /** Builds a scenario; its channels close with the JVM (a one-shot command). */
    private static Scenario scenario(String name, Map<String, String> flags, int connections) {
        return switch (name) {
            case "SayHello" -> BaselineScenarios.hello(channels(required(flags, "target"), connections));
            case "Echo" -> BaselineScenarios.echo(channels(required(flags, "target"), connections), "x".repeat(24));
            default -> {
                Channels inventory = channels(required(flags, "inventory"), connections);
                Channels pricing = channels(required(flags, "pricing"), connections);
                Catalog catalog = Catalog.generate("bench-a", "BENCH", 1000, 42).seed(inventory.get(0), pricing.get(0));
                yield switch (name) {
                    case "GetPrice" -> PlatformScenarios.getPrice(pricing, catalog);
                    case "GetStockLevel" -> PlatformScenarios.getStockLevel(inventory, catalog);
                    case "ReserveStock" -> PlatformScenarios.reserveStock(inventory, catalog);
                    case "StockFeed" -> PlatformScenarios.stockFeed(inventory, catalog);
                    case "QuoteOneStream" -> PlatformScenarios.quoteOneStream(pricing, catalog);
                    case "QuoteManyStreams" -> PlatformScenarios.quoteManyStreams(pricing, catalog);
                    case "PlaceOrder" -> PlatformScenarios.placeOrder(channels(required(flags, "orders"), connections), catalog);
                    default -> throw new IllegalArgumentException("unknown scenario " + name + "\n" + USAGE);
                };
            }
        };
    }

    private static Channels channels(String target, int connections) {
        String[] hostPort = target.split(":");
        return new Channels(hostPort[0], Integer.parseInt(hostPort[1]), connections);
    }

    private static String required(Map<String, String> flags, String name) {
        String value = flags.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required\n" + USAGE);
        }
        return value;
    }

    private static Map<String, String> flags(List<String> args) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg + "\n" + USAGE);
            }
            boolean hasValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
            flags.put(arg.substring(2), hasValue ? args.get(++i) : "true");
        }
        return flags;
    }
}
