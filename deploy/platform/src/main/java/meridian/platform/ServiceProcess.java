package meridian.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;

/** One service of the platform running as its own JVM from its packaged quarkus-app. */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    /**
     * JVM settings for a small service, the same as the JVM images' (Dockerfile.jvm): Serial GC (one GC thread and the
     * smallest footprint; right for a pod limited to one CPU) and a heap of at most half the memory the JVM sees (the
     * container limit), leaving the other half to metaspace, code cache, thread stacks and Netty's buffers. An initial
     * heap of 64 MB: the AOT cache's archived heap objects must fit at start, or the JVM refuses to start.
     * The same list is the root pom's meridian.jvm.options (the AOT training run) and is checked against it. Not
     * used: -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 (map the AOT cache where it was built instead
     * of relocating it): about 50 MiB less RssAnon, but 0.2-0.8 s more CPU at start (deploy/k8s/README.md, "Measured").
     */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:MaxRAMPercentage=50", "-Xms64m");

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> environment;
    private final List<String> systemProperties;
    private final Path log;
    private Process process;

    public ServiceProcess(String name, Path jar, int port, Map<String, String> environment, List<String> systemProperties,
            Path log) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.environment = Map.copyOf(environment);
        this.systemProperties = List.copyOf(systemProperties);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not built: " + jar + " is missing (run ./mvnw install -DskipTests)");
        }
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(JVM_OPTIONS);
        // The JDK AOT cache the integration tests trained (quarkus.package.jar.aot, JDK 25+), when it was built. The
        // services run on this JVM's java; an older one would refuse the option.
        Path aotCache = jar.resolveSibling("app.aot");
        if (Files.isRegularFile(aotCache) && Runtime.version().feature() >= 25) {
            command.add("-XX:AOTCache=" + aotCache);
        }
        command.add("-Dquarkus.http.port=" + port);
        command.addAll(systemProperties);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the standard gRPC health service answers SERVING; fails if the process dies or time runs out. */
    public void awaitServing(Duration timeout) {
        awaitServing(timeout, Duration.ofMillis(200));
    }

    /** As {@link #awaitServing(Duration)}, asking every pollInterval (short for start-up measurements). */
    public void awaitServing(Duration timeout, Duration pollInterval) {
        Instant end = Instant.now().plus(timeout);
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        try {
            HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
            while (Instant.now().isBefore(end)) {
                if (!isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (health.withDeadlineAfter(1, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                            .getStatus() == ServingStatus.SERVING) {
                        return;
                    }
                } catch (StatusRuntimeException notYet) {
                    // Not listening yet. The channel would wait out its reconnect backoff (1 s, 1.6 s, 2.6 s, ...)
                    // before trying again, which measured start-ups as 2.6-10 s: retry on the next poll instead.
                    channel.resetConnectBackoff();
                }
                sleep(pollInterval.toMillis());
            }
            throw new IllegalStateException(name + " did not report SERVING within " + timeout + "; see " + log);
        } finally {
            channel.shutdownNow();
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then SIGKILL after the grace period; also ends any child process. */
    public void stop() {
        stopWithinGrace();
    }

    /** Like {@link #stop()}; true if the JVM exited by itself within the grace period (false if it needed SIGKILL). */
    public synchronized boolean stopWithinGrace() {
        if (process == null) {
            return true;
        }
        boolean exitedByItself = false;
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            exitedByItself = process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            if (!exitedByItself) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        process = null;
        return exitedByItself;
    }

    /** The operating-system process id while running. */
    public synchronized java.util.OptionalLong pid() {
        return process == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(process.pid());
    }

    /** Ends the JVM at once, as a crash would. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
