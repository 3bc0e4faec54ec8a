package meridian.inventory.grpc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.grpc.ManagedChannel;
import meridian.testing.TestChannels;

/** A test class calling the inventory app under test through one channel and an {@link InventoryClient}. */
abstract class InventoryGrpcTest {

    static ManagedChannel channel;
    static InventoryClient client;

    @BeforeAll
    static void connect() {
        channel = TestChannels.toApp();
        client = new InventoryClient(channel);
    }

    @AfterAll
    static void disconnect() {
        TestChannels.close(channel);
    }
}
