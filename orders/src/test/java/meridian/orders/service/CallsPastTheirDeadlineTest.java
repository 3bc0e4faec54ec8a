package meridian.orders.service;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.errors.ServiceException;
import meridian.orders.persistence.OrderRepository;
import meridian.orders.persistence.SagaStep;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.PlaceOrderRequest;

/**
 * A call that reaches the service after its caller's deadline (queued behind others under overload) does no work:
 * PlaceOrder creates no order and calls nobody, a cancel records nothing, and the request_id stays free for the retry.
 */
@QuarkusTest
class CallsPastTheirDeadlineTest extends OrdersGrpcTest {

    static final String LOCATION = "bonn-1";

    @Inject
    OrderService service;

    @Inject
    OrderRepository repository;

    @Test
    void aCancelWhoseDeadlinePassedRecordsNothingAndTheRetryCancels() throws Exception {
        String sku = stocked(LOCATION, "late-cancel", "3.00", 5);
        Order order = orders.placeOrder(order(customer("late-cancel"), LOCATION, line(sku, 2)).build()).getOrder();
        CancelOrderRequest cancel = CancelOrderRequest.newBuilder().setName(order.getName())
                .setRequestId(UUID.randomUUID().toString()).build();

        assertThat(pastDeadline(() -> service.cancel(cancel)).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        UUID id = UUID.fromString(order.getName().substring("orders/".length()));
        assertThat(QuarkusTransaction.requiringNew().call(() -> repository.findById(id).sagaStep))
                .isEqualTo(SagaStep.DONE);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_ACTIVE");

        assertThat(orders.cancelOrder(cancel).getOrder().getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
    }

    /** What {@code call} throws when run with a deadline that has already passed. */
    static ServiceException pastDeadline(Callable<?> call) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Context.CancellableContext expired = Context.current()
                    .withDeadline(Deadline.after(-1, TimeUnit.MILLISECONDS), timer);
            return catchThrowableOfType(ServiceException.class, () -> expired.call(call));
        } finally {
            timer.shutdownNow();
        }
    }

    @Test
    void aCallWhoseDeadlinePassedPersistsNothingAndTheRetryPlacesTheOrder() throws Exception {
        String sku = stocked(LOCATION, "late", "3.00", 5);
        PlaceOrderRequest request = order(customer("late"), LOCATION, line(sku, 2)).build();
        assertThat(pastDeadline(() -> service.place(request)).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        UUID requestId = UUID.fromString(request.getRequestId());
        assertThat(QuarkusTransaction.requiringNew().call(() -> repository.findByRequestId(requestId))).isEmpty();
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();

        assertThat(orders.placeOrder(request).getOrder().getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
    }
}
