package meridian.orders.grpc;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;

/** Cancel racing fulfil: one wins, and the order agrees with what inventory did. */
@QuarkusTest
class ConcurrentCommandsTest extends OrdersGrpcTest {

    static final String LOCATION = "lyon-1";

    @Test
    void cancelRacingFulfilLeavesOrderAndReservationConsistent() throws Exception {
        String sku = stocked(LOCATION, "race", "1.00", 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                Order order = orders.placeOrder(order(customer("race"), LOCATION, line(sku, 1)).build()).getOrder();
                List<Callable<String>> calls = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(() -> outcome(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                            .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()).getOrder()));
                    calls.add(() -> outcome(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder()
                            .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()).getOrder()));
                }
                for (Future<String> f : pool.invokeAll(calls)) {
                    assertThat(f.get()).isIn("CANCELLED", "FULFILLED", "FAILED_PRECONDITION", "ABORTED");
                }
                Order settled = get(order);
                String reservation = inventory.reservationState(order.getReservation());
                if (settled.getState() == OrderState.ORDER_STATE_FULFILLED) {
                    assertThat(reservation).isEqualTo("RESERVATION_STATE_COMMITTED");
                } else {
                    assertThat(settled.getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
                    assertThat(reservation).isEqualTo("RESERVATION_STATE_RELEASED");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelCancelsWithOneRequestIdAllGetTheCancelledOrder() throws Exception {
        String sku = stocked(LOCATION, "same-key", "1.00", 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 5; round++) {
                Order order = orders.placeOrder(order(customer("key"), LOCATION, line(sku, 1)).build()).getOrder();
                CancelOrderRequest cancel = CancelOrderRequest.newBuilder().setName(order.getName())
                        .setRequestId(UUID.randomUUID().toString()).setReason("changed mind").build();
                List<Callable<Order>> calls = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    calls.add(() -> orders.cancelOrder(cancel).getOrder());
                }
                List<Order> answers = new ArrayList<>();
                for (Future<Order> f : pool.invokeAll(calls)) {
                    answers.add(f.get());
                }
                assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(answers.get(0)));
                assertThat(answers.get(0).getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
                assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_RELEASED");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneRequestIdOnTwoOrdersInParallelCancelsOneAndIsReusedForTheOther() throws Exception {
        String sku = stocked(LOCATION, "two-orders", "1.00", 100);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                Order first = orders.placeOrder(order(customer("two"), LOCATION, line(sku, 1)).build()).getOrder();
                Order second = orders.placeOrder(order(customer("two"), LOCATION, line(sku, 1)).build()).getOrder();
                String requestId = UUID.randomUUID().toString();
                List<Callable<String>> calls = new ArrayList<>();
                for (Order o : List.of(first, second)) {
                    calls.add(() -> outcome(() -> orders.cancelOrder(CancelOrderRequest.newBuilder()
                            .setName(o.getName()).setRequestId(requestId).build()).getOrder()));
                }
                List<String> outcomes = new ArrayList<>();
                for (Future<String> f : pool.invokeAll(calls)) {
                    outcomes.add(f.get());
                }
                assertThat(outcomes).containsExactlyInAnyOrder("CANCELLED", "ALREADY_EXISTS");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static String outcome(Callable<Order> call) throws Exception {
        try {
            return call.call().getState().name().substring("ORDER_STATE_".length());
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION ? "FAILED_PRECONDITION"
                    : e.getStatus().getCode().name();
        }
    }
}
