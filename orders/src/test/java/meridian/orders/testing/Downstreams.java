package meridian.orders.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts fake inventory and pricing gRPC servers on free ports in the test JVM and points the app's
 * gRPC clients at them. Tests reach the fakes through {@link #inventory()} and {@link #pricing()}.
 * These classes are loaded by the test-resource class loader, not the app's: what tests exchange with the
 * fakes must be JDK types (protobuf messages from the two loaders do not mix); tests needing contract
 * types call the fakes over gRPC ({@link #inventoryPort()}).
 */
public class Downstreams implements QuarkusTestResourceLifecycleManager {

    private static FakeInventory inventory;
    private static FakePricing pricing;
    private static Server inventoryServer;
    private static Server pricingServer;
    private static final FakeHealth inventoryHealth = new FakeHealth();

    @Override
    public synchronized Map<String, String> start() {
        if (inventoryServer == null) {
            inventory = new FakeInventory();
            pricing = new FakePricing();
            inventoryServer = start(NettyServerBuilder.forPort(0).addService(inventory).addService(inventoryHealth));
            pricingServer = start(NettyServerBuilder.forPort(0).addService(pricing).addService(new FakeHealth()));
        }
        // test-port too: in test mode Quarkus points clients at the app's own test port otherwise.
        String inventoryPort = String.valueOf(inventoryServer.getPort());
        String pricingPort = String.valueOf(pricingServer.getPort());
        return Map.of(
                "quarkus.grpc.clients.inventory.host", "localhost",
                "quarkus.grpc.clients.inventory.port", inventoryPort,
                "quarkus.grpc.clients.inventory.test-port", inventoryPort,
                "quarkus.grpc.clients.pricing.host", "localhost",
                "quarkus.grpc.clients.pricing.port", pricingPort,
                "quarkus.grpc.clients.pricing.test-port", pricingPort);
    }

    @Override
    public void stop() {
        // The servers live as long as the test JVM (several test classes share them).
    }

    public static FakeInventory inventory() {
        return inventory;
    }

    public static FakePricing pricing() {
        return pricing;
    }

    /** Makes inventory's gRPC health answer SERVING or NOT_SERVING. */
    public static void setInventoryServing(boolean serving) {
        inventoryHealth.serving = serving;
    }

    public static int inventoryPort() {
        return inventoryServer.getPort();
    }

    private static Server start(NettyServerBuilder builder) {
        try {
            return builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
