package meridian.orders.grpc;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static meridian.orders.testing.OrdersTestSupport.sku;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.ListOrdersResponse;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.testing.GrpcAssertions;

/** Cancel, fulfil, get and list through the real gRPC path. */
@QuarkusTest
class OrderLifecycleTest extends OrdersGrpcTest {

    static final String LOCATION = "paris-1";

    static String stocked(String label) {
        return stocked(LOCATION, label, "1.00", 100);
    }

    Order confirmed(String customer, String sku) {
        Order order = orders.placeOrder(order(customer, LOCATION, line(sku, 5)).build()).getOrder();
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        return order;
    }

    @Test
    void cancelReleasesTheReservationAndIsIdempotent() {
        String sku = stocked("cancel");
        Order order = confirmed(customer("cancel"), sku);
        CancelOrderRequest cancel = CancelOrderRequest.newBuilder().setName(order.getName())
                .setRequestId(UUID.randomUUID().toString()).setReason("changed my mind").build();

        Order cancelled = orders.cancelOrder(cancel).getOrder();
        assertThat(cancelled.getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
        assertThat(cancelled.getReservation()).isEmpty();
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_RELEASED");
        assertThat(inventory.reserved(LOCATION, sku)).isZero();

        assertThat(orders.cancelOrder(cancel).getOrder()).isEqualTo(cancelled);
        assertThat(orders.cancelOrder(cancel.toBuilder().setRequestId(UUID.randomUUID().toString()).build())
                .getOrder()).isEqualTo(cancelled);
        GrpcAssertions.assertStatus(() -> orders.cancelOrder(cancel.toBuilder().setReason("other").build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
    }

    @Test
    void fulfillingAnOrderWhoseReservationExpiredIsNotConfirmedAndLeavesItCancelled() {
        String sku = stocked("fulfil-expired");
        Order order = confirmed(customer("fulfil-expired"), sku);
        inventory.expire(order.getReservation());

        // Whether the stock stream's EXPIRED change or the fulfil's own commit sees it first, the outcome is one.
        GrpcAssertions.assertStatus(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder()
                .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()),
                Status.Code.FAILED_PRECONDITION, "ORDER_NOT_CONFIRMED");
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_EXPIRED");
        assertThat(inventory.available(LOCATION, sku)).isEqualTo(100);
    }

    @Test
    void fulfilCommitsTheReservationAndAFulfilledOrderCannotBeCancelled() {
        String sku = stocked("fulfil");
        Order order = confirmed(customer("fulfil"), sku);
        FulfillOrderRequest fulfil = FulfillOrderRequest.newBuilder().setName(order.getName())
                .setRequestId(UUID.randomUUID().toString()).build();

        Order fulfilled = orders.fulfillOrder(fulfil).getOrder();
        assertThat(fulfilled.getState()).isEqualTo(OrderState.ORDER_STATE_FULFILLED);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_COMMITTED");
        assertThat(inventory.available(LOCATION, sku)).isEqualTo(95);
        assertThat(orders.fulfillOrder(fulfil).getOrder()).isEqualTo(fulfilled);

        GrpcAssertions.assertStatus(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()),
                Status.Code.FAILED_PRECONDITION, "ORDER_FULFILLED");
        // The fulfil's key on a cancel with the same payload (name, no reason) is another request, not a replay.
        GrpcAssertions.assertStatus(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                .setName(order.getName()).setRequestId(fulfil.getRequestId()).build()),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
    }

    @Test
    void onlyConfirmedOrdersCanBeFulfilled() {
        Order rejected = orders.placeOrder(order(customer("rejected"), LOCATION, line(sku("nope"), 1)).build())
                .getOrder();
        assertThat(rejected.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        GrpcAssertions.assertStatus(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder()
                .setName(rejected.getName()).setRequestId(UUID.randomUUID().toString()).build()),
                Status.Code.FAILED_PRECONDITION, "ORDER_NOT_CONFIRMED");
    }

    @Test
    void unknownOrderIsNotFound() {
        GrpcAssertions.assertStatus(() -> orders.getOrder(GetOrderRequest.newBuilder()
                .setName("orders/" + UUID.randomUUID()).build()), Status.Code.NOT_FOUND, "NOT_FOUND");
    }

    @Test
    void listPagesNewestFirstByCustomerAndState() {
        String sku = stocked("list");
        String customer = customer("list");
        List<Order> placed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            placed.add(confirmed(customer, sku));
        }
        Order cancelled = orders.cancelOrder(CancelOrderRequest.newBuilder().setName(placed.get(1).getName())
                .setRequestId(UUID.randomUUID().toString()).build()).getOrder();

        List<String> seen = new ArrayList<>();
        ListOrdersRequest request = ListOrdersRequest.newBuilder().setCustomerId(customer).setPageSize(2).build();
        String token = "";
        do {
            ListOrdersResponse page = orders.listOrders(request.toBuilder().setPageToken(token).build());
            assertThat(page.getOrdersCount()).isLessThanOrEqualTo(2);
            page.getOrdersList().forEach(o -> seen.add(o.getName()));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(seen).containsExactly(placed.reversed().stream().map(Order::getName).toArray(String[]::new));

        ListOrdersResponse onlyCancelled = orders.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer)
                .addStates(OrderState.ORDER_STATE_CANCELLED).build());
        assertThat(onlyCancelled.getOrdersList()).containsExactly(cancelled);

        String firstToken = orders.listOrders(request).getNextPageToken();
        GrpcAssertions.assertInvalidFields(() -> orders.listOrders(request.toBuilder().setCustomerId("someone-else")
                .setPageToken(firstToken).build()), "page_token");
    }
}
