package meridian.orders.service;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static meridian.orders.testing.OrdersTestSupport.sku;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.orders.testing.FakeInventory;
import meridian.orders.testing.FakePricing;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;
import meridian.testing.TestChannels;

/**
 * Failures between and inside saga steps: no order is confirmed without a reservation, no reservation
 * is left without a confirmed order, whatever fails and whenever the process dies.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "orders"))
@WithTestResource(value = Downstreams.class, scope = TestResourceScope.GLOBAL)
class SagaRecoveryTest {

    static final String LOCATION = "hamburg-2";

    static ManagedChannel channel;
    static OrdersServiceGrpc.OrdersServiceBlockingStub orders;

    FakeInventory inventory = Downstreams.inventory();
    FakePricing pricing = Downstreams.pricing();

    @Inject
    CrashingSagaFaults crashes;

    @Inject
    RecoveryJob recovery;

    @BeforeAll
    static void connect() {
        channel = TestChannels.toApp();
        orders = OrdersServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void disconnect() {
        TestChannels.close(channel);
    }

    @AfterEach
    void clearFaults() {
        inventory.reserveFaults.reset();
        inventory.releaseFaults.reset();
        pricing.quoteFaults.reset();
        pricing.quoteTtl = Duration.ofMinutes(15);
    }

    String stocked(String label, long onHand) {
        String sku = sku(label);
        pricing.setPrice(sku, "EUR", "3.50");
        inventory.setStock(LOCATION, sku, onHand);
        return sku;
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

    @Test
    void inventoryDownIsUnavailableWithNothingReserved() {
        String sku = stocked("down", 10);
        String customer = customer("down");
        inventory.reserveFaults.failBefore(1000, Status.Code.UNAVAILABLE);

        GrpcAssertions.assertStatus(() -> orders.placeOrder(order(customer, LOCATION, line(sku, 1)).build()),
                Status.Code.UNAVAILABLE, "DEPENDENCY_UNAVAILABLE");
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();
        assertThat(onlyOrderOf(customer).getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
    }

    @Test
    void aConnectionResetReachesTheCallerAsUnavailableWithNothingReserved() {
        // What grpc-java reports for an HTTP/2 RST_STREAM or GOAWAY(PROTOCOL_ERROR): INTERNAL, no ErrorInfo.
        String sku = stocked("reset", 10);
        String customer = customer("reset");
        inventory.reserveFaults.failBefore(1000, Status.Code.INTERNAL);

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
    @EnumSource(SagaPoint.class)
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

    Order onlyOrderOf(String customer) {
        List<Order> found = orders.listOrders(ListOrdersRequest.newBuilder().setCustomerId(customer).build())
                .getOrdersList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    Order get(Order order) {
        return orders.getOrder(GetOrderRequest.newBuilder().setName(order.getName()).build()).getOrder();
    }
}
