package meridian.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * deploy/run: the platform on this machine in one command. Data is kept in .local/data between runs
 * (--reset starts empty), logs go to .local/logs, and every finished trace is written as a tree to
 * .local/traces/traces.log. Ctrl-C stops the services and PostgreSQL.
 */
public final class Launcher {

    static final int POSTGRES_PORT = 15432;
    static final int OTLP_PORT = 4317;
    static final Map<String, Integer> PORTS = Map.of("inventory", 8081, "pricing", 8082, "orders", 8083);
    private static final String USAGE = """
            usage: deploy/run [--demo] [--reset] [--no-traces]
              --demo       seed a small catalogue and place, backorder, fulfil and cancel orders, printing the events
              --reset      delete the local data (.local/data) before starting
              --no-traces  do not receive traces (leaves port 4317 to your own OpenTelemetry collector)
            """;

    private Launcher() {
    }

    public static void main(String[] args) {
        if (Runtime.version().feature() < 21) {
            fail(3, "Meridian needs Java 21 or newer; this is Java " + Runtime.version().feature());
        }
        Set<String> flags = Set.of(args);
        for (String flag : flags) {
            if (!Set.of("--demo", "--reset", "--no-traces", "--help").contains(flag)) {
                fail(2, "unknown option " + flag + "\n" + USAGE);
            }
        }
        if (flags.contains("--help")) {
            System.out.print(USAGE);
            return;
        }
        Path root = Path.of(System.getProperty("meridian.root", ".")).toAbsolutePath().normalize();
        Path local = root.resolve(".local");
        Path data = local.resolve("data/postgres");
        boolean traces = !flags.contains("--no-traces");

        Map<String, Integer> required = new LinkedHashMap<>();
        PORTS.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> required.put(e.getKey(), e.getValue()));
        required.put("postgresql", POSTGRES_PORT);
        if (traces) {
            required.put("trace receiver (OTLP)", OTLP_PORT);
        }
        required.forEach((what, port) -> {
            if (!isFree(port)) {
                fail(2, "port " + port + " for " + what + " is already in use: stop what uses it (or an earlier "
                        + "deploy/run) and try again");
            }
        });
        if (flags.contains("--reset")) {
            deleteRecursively(local.resolve("data"));
            System.out.println("reset: deleted " + local.resolve("data"));
        }

        OtlpTraceReceiver receiver = traces ? new OtlpTraceReceiver(OTLP_PORT) : null;
        if (receiver != null) {
            writeFinishedTraces(receiver, local.resolve("traces/traces.log"));
        }
        LocalPlatform.Options options = new LocalPlatform.Options(root, data, local.resolve("logs"), POSTGRES_PORT, PORTS,
                receiver == null ? null : receiver.endpoint(), List.of());
        LocalPlatform platform;
        try {
            platform = LocalPlatform.start(options, step -> System.out.println("· " + step));
        } catch (RuntimeException e) {
            if (receiver != null) {
                receiver.close();
            }
            fail(1, "the platform did not start: " + e.getMessage());
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping the services and PostgreSQL ...");
            platform.close();
            if (receiver != null) {
                receiver.close();
            }
            System.out.println("stopped; data kept in " + local.resolve("data"));
        }, "meridian-stop"));

        printEndpoints(local, receiver != null);
        if (flags.contains("--demo")) {
            new Demo(platform, receiver).run();
        }
        System.out.println("\nrunning; Ctrl-C stops everything.");
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void printEndpoints(Path local, boolean traces) {
        System.out.println("""

                Meridian is up (gRPC and HTTP share each port):
                  inventory  localhost:8081   meridian.inventory.v1.InventoryService
                  pricing    localhost:8082   meridian.pricing.v1.PricingService
                  orders     localhost:8083   meridian.orders.v1.OrdersService
                  postgresql localhost:15432  databases inventory, pricing, orders (user postgres)

                Try it with grpcurl (server reflection is on):
                  grpcurl -plaintext localhost:8081 list
                  grpcurl -plaintext localhost:8081 describe meridian.inventory.v1.InventoryService
                  grpcurl -plaintext -d '{"parent":"locations/-"}' localhost:8081 meridian.inventory.v1.InventoryService/ListStockLevels
                  grpcurl -plaintext -d '{"name":"skus/TEA-GREEN/prices/EUR"}' localhost:8082 meridian.pricing.v1.PricingService/GetPrice
                  grpcurl -plaintext -d '{}' localhost:8083 meridian.orders.v1.OrdersService/WatchOrderEvents
                  grpcurl -plaintext -d '{"service":"meridian.orders.v1.OrdersService"}' localhost:8083 grpc.health.v1.Health/Check

                Health:  http://localhost:8083/q/health   (also /q/health/live, /ready, /started)
                Metrics: http://localhost:8081/q/metrics  (Prometheus format; 8082, 8083 likewise)
                Logs:    %s
                Traces:  %s""".formatted(local.resolve("logs"),
                traces ? local.resolve("traces/traces.log") + " (one tree per trace)" : "off (--no-traces)"));
    }

    /** Appends a trace's tree to the file once its root span has arrived and a moment has passed for the rest. */
    private static void writeFinishedTraces(OtlpTraceReceiver receiver, Path file) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trace-writer");
            t.setDaemon(true);
            return t;
        });
        Set<String> written = ConcurrentHashMap.newKeySet();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        receiver.onSpan(span -> {
            if (span.parentSpanId().isEmpty() && written.add(span.traceId())) {
                timer.schedule(() -> {
                    try {
                        Files.writeString(file, TraceTree.render(receiver.trace(span.traceId())) + "\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        System.err.println("cannot write trace: " + e.getMessage());
                    }
                }, 2, TimeUnit.SECONDS);
            }
        });
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static void fail(int code, String message) {
        System.err.println("deploy/run: " + message);
        System.exit(code);
    }
}
