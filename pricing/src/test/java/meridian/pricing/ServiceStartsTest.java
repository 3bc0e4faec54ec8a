package meridian.pricing;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.GetPriceRequest;
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
}
