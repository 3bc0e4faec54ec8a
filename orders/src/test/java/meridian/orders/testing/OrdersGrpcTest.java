package meridian.orders.testing;

import static meridian.orders.testing.OrdersTestSupport.sku;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.testing.AppChannelTest;
import meridian.testing.PostgresTestResource;

/**
 * A test class calling the orders app under test through the app channel, against its database and the fake
 * inventory and pricing: the stubs, the fakes, and SKUs priced and stocked in them. Faults injected into the fakes
 * end with each test.
 */
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "orders"))
@WithTestResource(value = Downstreams.class, scope = TestResourceScope.GLOBAL)
public abstract class OrdersGrpcTest extends AppChannelTest {

    protected static OrdersServiceGrpc.OrdersServiceBlockingStub orders;
    protected static OrdersServiceGrpc.OrdersServiceStub async;

    protected final FakeInventory inventory = Downstreams.inventory();
    protected final FakePricing pricing = Downstreams.pricing();

    @BeforeAll
    static void createStubs() {
        orders = OrdersServiceGrpc.newBlockingStub(channel);
        async = OrdersServiceGrpc.newStub(channel);
    }

    @AfterEach
    void clearFaults() {
        inventory.reserveFaults.reset();
        inventory.releaseFaults.reset();
        inventory.commitFaults.reset();
        pricing.quoteFaults.reset();
        pricing.quoteTtl = Duration.ofMinutes(15);
    }

    /** A SKU no other test uses, priced in EUR and with {@code onHand} units at {@code location}. */
    public static String stocked(String location, String label, String price, long onHand) {
        String sku = sku(label);
        Downstreams.pricing().setPrice(sku, "EUR", price);
        Downstreams.inventory().setStock(location, sku, onHand);
        return sku;
    }

    /** The order as stored now. */
    protected static Order get(Order order) {
        return orders.getOrder(GetOrderRequest.newBuilder().setName(order.getName()).build()).getOrder();
    }
}
