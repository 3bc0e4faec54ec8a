package meridian.orders;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.GetOrderRequest;
import meridian.testing.PostgresTestResource;
import meridian.testing.ServiceStartsChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "orders"))
@WithTestResource(value = Downstreams.class, scope = TestResourceScope.GLOBAL)
class ServiceStartsTest extends ServiceStartsChecks {

    @Override
    protected String serviceName() {
        return "meridian.orders.v1.OrdersService";
    }

    @Override
    protected void callWithMalformedName(ManagedChannel channel) {
        OrdersServiceGrpc.newBlockingStub(channel).getOrder(GetOrderRequest.newBuilder().setName("warehouse/1/SKU").build());
    }
}
