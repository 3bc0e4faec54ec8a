package meridian.platform;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.grpc.ManagedChannel;

/** An end-to-end test class against the shared {@link RunningPlatform}, with a channel to each service. */
abstract class PlatformEndToEndTest {

    static RunningPlatform running;
    static ManagedChannel inventory;
    static ManagedChannel pricing;
    static ManagedChannel orders;

    @BeforeAll
    static void connect() {
        running = RunningPlatform.get();
        inventory = running.channel("inventory");
        pricing = running.channel("pricing");
        orders = running.channel("orders");
    }

    @AfterAll
    static void disconnect() {
        inventory.shutdownNow();
        pricing.shutdownNow();
        orders.shutdownNow();
    }
}
