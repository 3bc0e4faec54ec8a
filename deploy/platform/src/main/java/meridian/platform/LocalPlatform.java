package meridian.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import meridian.postgres.LocalPostgres;

/**
 * The whole platform on one machine: one PostgreSQL with a database per service, and inventory, pricing and orders
 * as three JVMs wired to it and to each other, exporting traces over OTLP.
 */
public final class LocalPlatform implements AutoCloseable {

    public static final List<String> SERVICES = List.of("inventory", "pricing", "orders");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * Where and how to run. Port 0 picks a free port. serviceSystemProperties are added to one service only;
     * replicaPorts starts a second instance of a service (same database and settings) on that port, named
     * service + "-2", in the same start-up wave.
     */
    public record Options(Path root, Path dataDirectory, Path logDirectory, int postgresPort,
            Map<String, Integer> servicePorts, String otlpEndpoint, List<String> extraSystemProperties,
            Map<String, List<String>> serviceSystemProperties, Map<String, Integer> replicaPorts) {

        public Options {
            servicePorts = Map.copyOf(servicePorts);
            extraSystemProperties = List.copyOf(extraSystemProperties);
            serviceSystemProperties = Map.copyOf(serviceSystemProperties);
            replicaPorts = Map.copyOf(replicaPorts);
        }

        public Options(Path root, Path dataDirectory, Path logDirectory, int postgresPort,
                Map<String, Integer> servicePorts, String otlpEndpoint, List<String> extraSystemProperties) {
            this(root, dataDirectory, logDirectory, postgresPort, servicePorts, otlpEndpoint, extraSystemProperties,
                    Map.of(), Map.of());
        }
    }

    private final Options options;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private LocalPostgres postgres;

    private LocalPlatform(Options options) {
        this.options = options;
    }

    /** Starts PostgreSQL, then inventory and pricing, then orders (which needs both), each until SERVING. */
    public static LocalPlatform start(Options options, ProgressListener progress) {
        LocalPlatform platform = new LocalPlatform(options);
        try {
            platform.startAll(progress);
            return platform;
        } catch (RuntimeException e) {
            platform.close();
            throw e;
        }
    }

    private void startAll(ProgressListener progress) {
        progress.step("starting PostgreSQL" + (options.dataDirectory() == null ? " (temporary data)"
                : " (data in " + options.dataDirectory() + ")"));
        postgres = LocalPostgres.start(options.dataDirectory(), options.postgresPort());
        for (String service : SERVICES) {
            postgres.ensureDatabase(service);
        }
        Map<String, Integer> ports = new HashMap<>();
        for (String service : SERVICES) {
            int port = options.servicePorts().getOrDefault(service, 0);
            ports.put(service, port == 0 ? freePort() : port);
        }
        for (String service : SERVICES) {
            services.put(service, process(service, service, ports.get(service), ports));
            Integer replicaPort = options.replicaPorts().get(service);
            if (replicaPort != null) {
                services.put(replicaName(service), process(service, replicaName(service), replicaPort, ports));
            }
        }
        for (List<String> wave : List.of(List.of("inventory", "pricing"), List.of("orders"))) {
            List<ServiceProcess> starting = services.values().stream()
                    .filter(process -> wave.stream().anyMatch(service -> process.name().equals(service)
                            || process.name().equals(replicaName(service))))
                    .toList();
            for (ServiceProcess process : starting) {
                progress.step("starting " + process.name() + " on port " + process.port());
                process.start();
            }
            for (ServiceProcess process : starting) {
                process.awaitServing(START_TIMEOUT);
                progress.step(process.name() + " is SERVING");
            }
        }
    }

    /** The name of the second instance of a service started through Options.replicaPorts. */
    public static String replicaName(String service) {
        return service + "-2";
    }

    private ServiceProcess process(String service, String name, int port, Map<String, Integer> ports) {
        String prefix = service.toUpperCase();
        Map<String, String> env = new HashMap<>();
        env.put(prefix + "_DB_URL", postgres.jdbcUrl(service));
        env.put(prefix + "_DB_USER", LocalPostgres.USER);
        env.put(prefix + "_DB_PASSWORD", "");
        env.put("INVENTORY_HOST", "localhost");
        env.put("INVENTORY_PORT", Integer.toString(ports.get("inventory")));
        env.put("PRICING_HOST", "localhost");
        env.put("PRICING_PORT", Integer.toString(ports.get("pricing")));
        List<String> properties = new ArrayList<>();
        if (options.otlpEndpoint() != null) {
            env.put("OTEL_EXPORTER_OTLP_ENDPOINT", options.otlpEndpoint());
            properties.add("-Dquarkus.otel.bsp.schedule.delay=200ms");
        } else {
            properties.add("-Dquarkus.otel.sdk.disabled=true");
        }
        properties.addAll(options.extraSystemProperties());
        properties.addAll(options.serviceSystemProperties().getOrDefault(service, List.of()));
        Path jar = options.root().resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        return new ServiceProcess(name, jar, port, env, properties, options.logDirectory().resolve(name + ".log"));
    }

    public ServiceProcess service(String name) {
        ServiceProcess process = services.get(name);
        if (process == null) {
            throw new IllegalArgumentException("no service " + name);
        }
        return process;
    }

    public int port(String service) {
        return service(service).port();
    }

    public int postgresPort() {
        return postgres.port();
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    /** Stops the services (orders first) then PostgreSQL. */
    @Override
    public void close() {
        List<String> reverse = new ArrayList<>(services.keySet());
        java.util.Collections.reverse(reverse);
        for (String service : reverse) {
            services.get(service).stop();
        }
        if (postgres != null) {
            postgres.close();
            postgres = null;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Receives a line per start-up step. */
    @FunctionalInterface
    public interface ProgressListener {
        void step(String message);
    }
}
