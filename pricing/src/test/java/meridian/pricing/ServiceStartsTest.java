package meridian.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.Price;
import meridian.testing.PostgresTestResource;
import meridian.testing.ServiceStartsChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class ServiceStartsTest extends ServiceStartsChecks {

    @Override
    protected String serviceName() {
        return "meridian.pricing.v1.PricingService";
    }

    @Override
    protected void callWithMalformedName(ManagedChannel channel) {
        PricingServiceGrpc.newBlockingStub(channel).getPrice(GetPriceRequest.newBuilder().setName("warehouse/1/SKU").build());
    }

    @Override
    protected void writeThenRead(ManagedChannel channel) {
        PricingClient client = new PricingClient(channel);
        String sku = PricingClient.sku("STARTS");
        Price stored = client.upsertPrice(sku, "EUR", "2.50", 10, "2.25");
        Price read = client.blocking.getPrice(GetPriceRequest.newBuilder().setName("skus/" + sku + "/prices/EUR").build())
                .getPrice();
        assertThat(read).isEqualTo(stored);
        assertThat(PricingClient.decimal(read.getTiers(0).getUnitPrice())).isEqualByComparingTo("2.25");
    }
}
