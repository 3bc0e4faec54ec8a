package meridian.inventory.grpc;

import org.junit.jupiter.api.BeforeAll;

import meridian.testing.AppChannelTest;

/** A test class calling the inventory app under test through the app channel and an {@link InventoryClient}. */
abstract class InventoryGrpcTest extends AppChannelTest {

    static InventoryClient client;

    @BeforeAll
    static void createClient() {
        client = new InventoryClient(channel);
    }
}
