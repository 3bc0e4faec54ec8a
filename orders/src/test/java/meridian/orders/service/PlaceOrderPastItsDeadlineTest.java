package meridian.orders.service;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.UUID;
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
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.PlaceOrderRequest;

/**
 * A PlaceOrder that reaches the service after its caller's deadline (queued behind others under overload) does no
 * work: no order, no remote call, and its request_id stays free for the retry.
 */
@QuarkusTest
class PlaceOrderPastItsDeadlineTest extends OrdersGrpcTest {

    static final String LOCATION = "bonn-1";

    @Inject
    OrderService service;

    @Inject
    OrderRepository repository;

    @Test
    void aCallWhoseDeadlinePassedPersistsNothingAndTheRetryPlacesTheOrder() throws Exception {
        String sku = stocked(LOCATION, "late", "3.00", 5);
        PlaceOrderRequest request = order(customer("late"), LOCATION, line(sku, 2)).build();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Context.CancellableContext expired = Context.current()
                    .withDeadline(Deadline.after(-1, TimeUnit.MILLISECONDS), timer);
            ServiceException late = catchThrowableOfType(ServiceException.class,
                    () -> expired.call(() -> service.place(request)));
            assertThat(late.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        } finally {
            timer.shutdownNow();
        }
        UUID requestId = UUID.fromString(request.getRequestId());
        assertThat(QuarkusTransaction.requiringNew().call(() -> repository.findByRequestId(requestId))).isEmpty();
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();

        assertThat(orders.placeOrder(request).getOrder().getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
    }
}
