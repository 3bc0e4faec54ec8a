package meridian.testing;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/** Plaintext channels to the Quarkus app under test, on the port it actually bound. */
public final class TestChannels {

    private TestChannels() {
    }

    /** The HTTP/gRPC port of the app under test (quarkus.http.test-port=0 binds a free one). */
    public static int appPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static ManagedChannel toApp() {
        return to(appPort());
    }

    public static ManagedChannel to(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }

    public static void close(ManagedChannel channel) {
        if (channel == null) {
            return;
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
