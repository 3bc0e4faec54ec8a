package meridian.pricing.grpc;

import org.junit.jupiter.api.BeforeAll;

import meridian.pricing.PricingClient;
import meridian.testing.AppChannelTest;

/** A test class calling the pricing app under test through the app channel and a {@link PricingClient}. */
abstract class PricingGrpcTest extends AppChannelTest {

    static PricingClient client;

    @BeforeAll
    static void createClient() {
        client = new PricingClient(channel);
    }
}
