package meridian.orders;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
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

    /** A confirmed order (through the fake pricing and inventory), read back by name. */
    @Override
    protected void writeThenRead(ManagedChannel channel) {
        String sku = OrdersGrpcTest.stocked("berlin-1", "starts", "1.50", 5);
        OrdersServiceGrpc.OrdersServiceBlockingStub orders = OrdersServiceGrpc.newBlockingStub(channel);
        Order placed = orders.placeOrder(order(customer("starts"), "berlin-1", line(sku, 2)).build()).getOrder();
        assertThat(placed.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(orders.getOrder(GetOrderRequest.newBuilder().setName(placed.getName()).build()).getOrder())
                .isEqualTo(placed);
    }
}
