package meridian.orders.service;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.testing.GrpcAssertions;

/**
 * Failures between and inside saga steps: no order is confirmed without a reservation, no reservation
 * is left without a confirmed order, whatever fails and whenever the process dies.
 */
@QuarkusTest
class SagaRecoveryTest extends OrdersGrpcTest {

    static final String LOCATION = "hamburg-2";

    @Inject
    CrashingSagaFaults crashes;

    @Inject
    RecoveryJob recovery;

    @Inject
    EntityManager em;

    @Inject
    MeterRegistry meters;

    static String stocked(String label, long onHand) {
        return stocked(LOCATION, label, "3.50", onHand);
    }

    @Test
    void lostAnswerAfterInventoryReservedIsRetriedIntoOneReservation() {
        String sku = stocked("lost", 10);
        inventory.reserveFaults.failAfter(1);
        Order order = orders.placeOrder(order(customer("lost"), LOCATION, line(sku, 2)).build()).getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(inventory.reservationsWithSku(sku)).containsExactly(order.getReservation());
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(2);
    }

    @Test
    void inventoryFailingAfterActingEndsRejectedAndRecoveryReleasesTheReservation() {
        String sku = stocked("flaky", 10);
        String customer = customer("flaky");
        inventory.reserveFaults.failAfter(1000);

        GrpcAssertions.assertStatus(() -> orders.placeOrder(order(customer, LOCATION, line(sku, 4)).build()),
                Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE");
        Order order = onlyOrderOf(customer);
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("DEPENDENCY_UNAVAILABLE");
        // Inventory reserved but never answered: the compensation could not learn the reservation yet.
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(4);

        inventory.reserveFaults.reset();
        recovery.recoverStuckFor(Duration.ZERO);

        assertThat(inventory.reserved(LOCATION, sku)).isZero();
        assertThat(inventory.reservationsWithSku(sku)).singleElement()
                .satisfies(r -> assertThat(inventory.reservationState(r)).isEqualTo("RESERVATION_STATE_RELEASED"));
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
    }

    /**
     * Inventory down, or a connection reset: what grpc-java reports for an HTTP/2 RST_STREAM or
     * GOAWAY(PROTOCOL_ERROR) is INTERNAL without ErrorInfo.
     */
    @ParameterizedTest
    @EnumSource(value = Status.Code.class, names = { "UNAVAILABLE", "INTERNAL" })
    void inventoryUnreachableIsUnavailableWithNothingReserved(Status.Code failure) {
        String sku = stocked("down-" + failure, 10);
        String customer = customer("down");
        inventory.reserveFaults.failBefore(1000, failure);

        GrpcAssertions.assertStatus(() -> orders.placeOrder(order(customer, LOCATION, line(sku, 1)).build()),
                Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE");
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();
        assertThat(onlyOrderOf(customer).getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
    }

    @Test
    void pricingDownIsUnavailableWithNothingReserved() {
        String sku = stocked("nopricing", 10);
        pricing.quoteFaults.failBefore(1000, Status.Code.UNAVAILABLE);

        GrpcAssertions.assertStatus(() -> orders.placeOrder(order(customer("nopricing"), LOCATION, line(sku, 1))
                .build()), Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE");
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();
    }

    @Test
    void budgetRunningOutMidSagaEndsWithNothingHeld() {
        String sku = stocked("slow", 10);
        String customer = customer("slow");
        inventory.reserveFaults.delay(Duration.ofMillis(1500));

        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> orders.withDeadlineAfter(1, TimeUnit.SECONDS)
                        .placeOrder(order(customer, LOCATION, line(sku, 1)).build()));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        inventory.reserveFaults.reset();

        // The saga records the outcome and releases what the late reservation took.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            recovery.recoverStuckFor(Duration.ZERO);
            assertThat(onlyOrderOf(customer).getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
            assertThat(inventory.reserved(LOCATION, sku)).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(value = SagaPoint.class, names = { "ORDER_CREATED", "QUOTE_SAVED", "STOCK_RESERVED" })
    void crashBetweenStepsIsFinishedByRecovery(SagaPoint point) {
        String sku = stocked("crash-" + point.name().replace('_', '-'), 10);
        String customer = customer("crash");
        crashes.crashAt(customer, point);

        catchThrowableOfType(StatusRuntimeException.class, () -> orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                .placeOrder(order(customer, LOCATION, line(sku, 3)).build()));
        assertThat(onlyOrderOf(customer).getState()).isEqualTo(OrderState.ORDER_STATE_PENDING);

        assertThat(recovery.recoverStuckFor(Duration.ZERO)).isPositive();

        Order order = onlyOrderOf(customer);
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(inventory.reservationsWithSku(sku)).containsExactly(order.getReservation());
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_ACTIVE");
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(3);
    }

    @Test
    void crashAfterReservingWithTheQuoteExpiringMeanwhileIsReleasedByRecovery() {
        String sku = stocked("crash-expired", 10);
        String customer = customer("crash-expired");
        pricing.quoteTtl = Duration.ofMillis(300);
        crashes.crashAt(customer, SagaPoint.STOCK_RESERVED);

        catchThrowableOfType(StatusRuntimeException.class, () -> orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                .placeOrder(order(customer, LOCATION, line(sku, 3)).build()));
        Instant expired = Instant.now().plusMillis(300);
        await().until(() -> Instant.now().isAfter(expired));

        recovery.recoverStuckFor(Duration.ZERO);

        Order order = onlyOrderOf(customer);
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("QUOTE_EXPIRED");
        assertThat(order.getReservation()).isEmpty();
        assertThat(inventory.reservationsWithSku(sku)).singleElement()
                .satisfies(r -> assertThat(inventory.reservationState(r)).isEqualTo("RESERVATION_STATE_RELEASED"));
        assertThat(inventory.reserved(LOCATION, sku)).isZero();
    }

    @Test
    void cancelInterruptedAfterInventoryReleasedIsFinishedByRecovery() {
        String sku = stocked("crash-cancel", 10);
        Order order = confirmedWithACrashAhead(sku, 3, SagaPoint.RESERVATION_RELEASED);

        catchThrowableOfType(StatusRuntimeException.class, () -> orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                .cancelOrder(cancel(order, "wrong size")));
        // Released in inventory, not yet cancelled here: the order's saga step says a cancel is pending.
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_RELEASED");
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);

        assertThat(recovery.recoverStuckFor(Duration.ZERO)).isPositive();

        Order cancelled = get(order);
        assertThat(cancelled.getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
        assertThat(cancelled.getReservation()).isEmpty();
        assertThat(lastEventMessage(order)).isEqualTo("cancelled: wrong size");
        assertThat(inventory.reserved(LOCATION, sku)).isZero();
    }

    @Test
    void fulfilInterruptedAfterInventoryCommittedIsFinishedByTheNextCommand() {
        String sku = stocked("crash-fulfil", 10);
        Order order = confirmedWithACrashAhead(sku, 2, SagaPoint.RESERVATION_COMMITTED);

        catchThrowableOfType(StatusRuntimeException.class, () -> orders.withDeadlineAfter(5, TimeUnit.SECONDS)
                .fulfillOrder(FulfillOrderRequest.newBuilder().setName(order.getName())
                        .setRequestId(UUID.randomUUID().toString()).build()));
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_COMMITTED");
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);

        // A cancel now must not win against the fulfilment inventory already did: it finishes it.
        GrpcAssertions.assertStatus(() -> orders.cancelOrder(cancel(order, "")), Status.Code.FAILED_PRECONDITION,
                "ORDER_FULFILLED");

        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_FULFILLED);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_COMMITTED");
    }

    @Test
    void cancelWhileInventoryIsDownIsRecordedAndFinishedOnceItAnswers() {
        String sku = stocked("cancel-outage", 10);
        Order order = orders.placeOrder(order(customer("cancel-outage"), LOCATION, line(sku, 4)).build()).getOrder();
        inventory.releaseFaults.failBefore(1000, Status.Code.UNAVAILABLE);
        CancelOrderRequest cancel = cancel(order, "duplicate order");

        GrpcAssertions.assertStatus(() -> orders.cancelOrder(cancel), Status.Code.UNAVAILABLE,
                "DEPENDENCY_UNAVAILABLE");
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(4);
        // The accepted cancel comes first: a fulfil meanwhile tries to finish it, not to ship the order, and is not
        // recorded itself (ABORTED, not the UNAVAILABLE that would mean "recorded").
        GrpcAssertions.assertStatus(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder()
                .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()),
                Status.Code.ABORTED, "CONCURRENT_MODIFICATION");

        double unfinished = meters.counter("orders.recovery.runs", "result", "unfinished").count();
        recovery.recoverStuckFor(Duration.ZERO);
        // Still unreachable: the run leaves the cancel pending and says so in the metric operators alert on.
        assertThat(meters.counter("orders.recovery.runs", "result", "unfinished").count()).isGreaterThan(unfinished);
        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);

        inventory.releaseFaults.reset();
        recovery.recoverStuckFor(Duration.ZERO);

        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_RELEASED");
        assertThat(inventory.reserved(LOCATION, sku)).isZero();
        assertThat(lastEventMessage(order)).isEqualTo("cancelled: duplicate order");
        // The caller's retry learns the outcome.
        assertThat(orders.cancelOrder(cancel).getOrder().getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
    }

    @Test
    void cancelWhileAFulfilWaitsForInventoryIsNotRecordedAndTheFulfilWins() {
        String sku = stocked("fulfil-outage", 10);
        Order order = orders.placeOrder(order(customer("fulfil-outage"), LOCATION, line(sku, 2)).build()).getOrder();
        inventory.commitFaults.failBefore(1000, Status.Code.UNAVAILABLE);

        GrpcAssertions.assertStatus(() -> orders.fulfillOrder(FulfillOrderRequest.newBuilder()
                .setName(order.getName()).setRequestId(UUID.randomUUID().toString()).build()),
                Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE");
        GrpcAssertions.assertStatus(() -> orders.cancelOrder(cancel(order, "too late")), Status.Code.ABORTED,
                "CONCURRENT_MODIFICATION");

        inventory.commitFaults.reset();
        recovery.recoverStuckFor(Duration.ZERO);

        assertThat(get(order).getState()).isEqualTo(OrderState.ORDER_STATE_FULFILLED);
        assertThat(inventory.reservationState(order.getReservation())).isEqualTo("RESERVATION_STATE_COMMITTED");
        GrpcAssertions.assertStatus(() -> orders.cancelOrder(cancel(order, "too late")),
                Status.Code.FAILED_PRECONDITION, "ORDER_FULFILLED");
    }

    /** A confirmed order of {@code quantity} x {@code sku} whose next saga run (a cancel's, a fulfil's) dies at {@code point}. */
    Order confirmedWithACrashAhead(String sku, long quantity, SagaPoint point) {
        String customer = customer("crash-command");
        Order order = orders.placeOrder(order(customer, LOCATION, line(sku, quantity)).build()).getOrder();
        crashes.crashAt(customer, point);
        return order;
    }

    static CancelOrderRequest cancel(Order order, String reason) {
        return CancelOrderRequest.newBuilder().setName(order.getName()).setRequestId(UUID.randomUUID().toString())
                .setReason(reason).build();
    }

    String lastEventMessage(Order order) {
        return QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "SELECT message FROM order_event WHERE order_id = ? ORDER BY seq DESC LIMIT 1")
                .setParameter(1, UUID.fromString(order.getName().substring("orders/".length()))).getSingleResult());
    }

    Order onlyOrderOf(String customer) {
        List<Order> found = orders.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer).build())
                .getOrdersList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
