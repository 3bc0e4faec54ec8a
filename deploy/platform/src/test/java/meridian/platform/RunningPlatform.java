package meridian.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * The platform under test, started once per test JVM from the packaged services (three processes, one embedded
 * PostgreSQL, free ports) with their traces sent to an in-test OTLP receiver; stopped when the JVM exits.
 */
final class RunningPlatform {

    private static RunningPlatform instance;

    final LocalPlatform platform;
    final OtlpTraceReceiver traces;

    private RunningPlatform(LocalPlatform platform, OtlpTraceReceiver traces) {
        this.platform = platform;
        this.traces = traces;
    }

    static synchronized RunningPlatform get() {
        if (instance == null) {
            Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
            Path work;
            try {
                work = Files.createTempDirectory("meridian-e2e");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            OtlpTraceReceiver traces = new OtlpTraceReceiver(0);
            LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(root, null, work.resolve("logs"), 0,
                    Map.of(), traces.endpoint(), List.of("-Xmx256m")), step -> System.out.println("[e2e] " + step));
            instance = new RunningPlatform(platform, traces);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                platform.close();
                traces.close();
            }, "e2e-platform-stop"));
        }
        return instance;
    }

    ManagedChannel channel(String service) {
        return ManagedChannelBuilder.forAddress("localhost", platform.port(service)).usePlaintext().build();
    }
}
