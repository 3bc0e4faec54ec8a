package meridian.orders.testing;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.PlaceOrderRequest;

/** Request builders and unique names, so test classes sharing one app and one database never collide. */
public final class OrdersTestSupport {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final String RUN = Long.toString(System.nanoTime() % 100000, 36).toUpperCase();

    private OrdersTestSupport() {
    }

    /** A SKU no other test uses. */
    public static String sku(String label) {
        return label.toUpperCase() + "-" + RUN + "-" + COUNTER.incrementAndGet();
    }

    public static String customer(String label) {
        return label.toLowerCase() + "-" + RUN.toLowerCase() + "-" + COUNTER.incrementAndGet();
    }

    public static OrderLineInput line(String sku, long quantity) {
        return OrderLineInput.newBuilder().setSku(sku).setQuantity(quantity).build();
    }

    public static PlaceOrderRequest.Builder order(String customer, String location, OrderLineInput... lines) {
        return PlaceOrderRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setCustomerId(customer)
                .setLocationId(location).setCurrencyCode("EUR").addAllLines(java.util.List.of(lines));
    }
}
