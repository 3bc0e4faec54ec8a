package meridian.pricing.grpc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.grpc.ManagedChannel;
import meridian.pricing.PricingClient;
import meridian.testing.TestChannels;

/** A test class calling the pricing app under test through one channel and a {@link PricingClient}. */
abstract class PricingGrpcTest {

    static ManagedChannel channel;
    static PricingClient client;

    @BeforeAll
    static void connect() {
        channel = TestChannels.toApp();
        client = new PricingClient(channel);
    }

    @AfterAll
    static void disconnect() {
        TestChannels.close(channel);
    }
}
