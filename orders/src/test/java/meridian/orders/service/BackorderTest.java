package meridian.orders.service;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockAdjustment;
import meridian.orders.persistence.StockWatchCursorEntity;
import meridian.orders.testing.Downstreams;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.testing.TestChannels;

/** Backordered orders are confirmed in arrival order when stock comes through the inventory stock stream. */
@QuarkusTest
class BackorderTest extends OrdersGrpcTest {

    static final String LOCATION = "munich-3";

    static ManagedChannel inventoryChannel;

    @Inject
    BackorderService backorders;

    @Inject
    CrashingSagaFaults crashes;

    @BeforeAll
    static void connectToInventory() {
        inventoryChannel = TestChannels.to(Downstreams.inventoryPort());
    }

    @AfterAll
    static void disconnectFromInventory() {
        TestChannels.close(inventoryChannel);
    }

    static String backorderable(String label) {
        return stocked(LOCATION, label, "12.00", 0);
    }

    Order backorder(String sku, long quantity) {
        Order order = orders.placeOrder(order(customer("bo"), LOCATION, line(sku, quantity)).setAllowBackorder(true)
                .build()).getOrder();
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);
        return order;
    }

    @Test
    void stockFromABulkFeedConfirmsBackordersOldestFirst() throws Exception {
        String sku = backorderable("fifo");
        Order first = backorder(sku, 2);
        Order second = backorder(sku, 1);

        feed(sku, 2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(state(first)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED));
        assertThat(state(second)).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

        feed(sku, 1);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(state(second)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED));
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(3);
        assertThat(inventory.reservationsWithSku(sku)).hasSize(2);
    }

    @Test
    void aLargeFeedReachesTheBackordersAmongItsLines() throws Exception {
        String early = backorderable("early");
        String late = backorderable("late");
        Order waitingEarly = backorder(early, 3);
        Order waitingLate = backorder(late, 2);

        // 1,200 lines, most for stock no order waits for; the two that are waited for sit far apart in the feed.
        List<StockAdjustment> lines = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            String sku = i == 10 ? early : i == 1_150 ? late : "BULK-" + i;
            lines.add(StockAdjustment.newBuilder().setSku(sku).setLocationId(LOCATION).setDelta(i == 10 ? 3 : 2)
                    .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED).build());
        }
        feed(lines);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(state(waitingEarly)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
            assertThat(state(waitingLate)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        });
        assertThat(inventory.reserved(LOCATION, early)).isEqualTo(3);
        assertThat(inventory.reserved(LOCATION, late)).isEqualTo(2);
    }

    @Test
    void aPromotionWaitsForAnEarlierBackorderAnotherCallerIsRetrying() throws Exception {
        String sku = backorderable("inflight");
        String firstCustomer = customer("bo-first");
        Order first = orders.placeOrder(order(firstCustomer, LOCATION, line(sku, 2)).setAllowBackorder(true).build())
                .getOrder();
        Order second = backorder(sku, 1);
        assertThat(first.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

        // Stock for the first order only, told to two promotions at once (two replicas' watchers, or the recheck).
        inventory.setStock(LOCATION, sku, 2);
        CrashingSagaFaults.Pause held = crashes.pauseAt(firstCustomer, SagaPoint.QUOTE_SAVED);
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<?> retryingFirst = callers.submit(() -> backorders.stockArrived(LOCATION, sku));
            assertThat(held.reached().await(20, TimeUnit.SECONDS)).as("first order's retry under way").isTrue();
            Future<?> concurrent = callers.submit(() -> backorders.stockArrived(LOCATION, sku));
            // Time for the second promotion to overtake, were it to skip the first order while its saga runs.
            Thread.sleep(500);
            held.release().countDown();
            retryingFirst.get(20, TimeUnit.SECONDS);
            concurrent.get(40, TimeUnit.SECONDS);
        } finally {
            held.release().countDown();
            callers.shutdownNow();
        }
        assertThat(state(first)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(state(second)).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(2);
    }

    @Test
    void aConfirmedOrderWhoseReservationExpiresIsCancelledAndItsStockGoesToABackorder() {
        String sku = stocked(LOCATION, "lapse", "5.00", 2);
        Order confirmed = orders.placeOrder(order(customer("bo"), LOCATION, line(sku, 2)).build()).getOrder();
        assertThat(confirmed.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        Order waiting = backorder(sku, 2);

        inventory.expire(confirmed.getReservation());

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(state(confirmed)).isEqualTo(OrderState.ORDER_STATE_CANCELLED);
            assertThat(state(waiting)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        });
        assertThat(get(confirmed).getReservation()).isEmpty();
        assertThat(inventory.reservationState(get(waiting).getReservation())).isEqualTo("RESERVATION_STATE_ACTIVE");
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(2);
    }

    @Test
    void aResumeFromAForgottenCursorRetriesTheBackorders() throws Exception {
        String sku = backorderable("forgotten");
        Order order = backorder(sku, 3);
        feed(backorderable("cursor-mover"), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedCursor() != null);
        String stored = storedCursor();

        inventory.refuseWatches(true);
        try {
            inventory.dropWatchers();
            feed(sku, 3);
            // Retention removed what came after the stored cursor meanwhile: only a full retry finds the stock.
            inventory.forgetHistory();
        } finally {
            inventory.refuseWatches(false);
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(state(order)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED));
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> inventory.watcherCount() == 1);
        // The first change from the head is stored at once: a drop right after the resync resumes from there.
        feed(backorderable("cursor-mover"), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedCursor() != null && !storedCursor().equals(stored));
    }

    static String storedCursor() {
        StockWatchCursorEntity row = QuarkusTransaction.requiringNew()
                .call(() -> StockWatchCursorEntity.<StockWatchCursorEntity>findById(StockWatcher.STREAM));
        return row == null ? null : row.cursor;
    }

    @Test
    void theRecheckFindsStockTheStreamDidNotAnnounce() {
        String sku = backorderable("unseen");
        Order order = backorder(sku, 2);

        // Stock that arrived while the order's own reservation attempt was short: no stock change reaches orders.
        inventory.setStock(LOCATION, sku, 2);
        assertThat(backorders.recheckIdleFor(Duration.ofHours(1))).as("tried just now, not idle").isZero();
        assertThat(state(order)).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

        assertThat(backorders.recheckIdleFor(Duration.ZERO)).isPositive();
        assertThat(state(order)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(2);
    }

    @Test
    void stockStreamResumesFromItsCursorAfterInventoryDropsIt() throws Exception {
        String sku = backorderable("resume");
        Order order = backorder(sku, 4);
        await().atMost(Duration.ofSeconds(20)).until(() -> inventory.watcherCount() == 1);
        // A position stored by now: a change after the connection made it (or one from an earlier test).
        feed(backorderable("cursor-mover"), 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> storedCursor() != null);

        inventory.dropWatchers();
        // The stock arrives while orders is disconnected: only resuming from the stored cursor finds it.
        feed(sku, 4);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(state(order)).isEqualTo(OrderState.ORDER_STATE_CONFIRMED));
        assertThat(inventory.watcherCount()).isEqualTo(1);
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(4);
    }

    OrderState state(Order order) {
        return get(order).getState();
    }

    /** A warehouse feed through inventory's AdjustStock client stream. */
    void feed(String sku, long delta) throws Exception {
        feed(List.of(StockAdjustment.newBuilder().setSku(sku).setLocationId(LOCATION).setDelta(delta)
                .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED).build()));
    }

    void feed(List<StockAdjustment> lines) throws Exception {
        CompletableFuture<AdjustStockResponse> done = new CompletableFuture<>();
        StreamObserver<AdjustStockRequest> requests = InventoryServiceGrpc.newStub(inventoryChannel)
                .adjustStock(new StreamObserver<>() {
                    @Override
                    public void onNext(AdjustStockResponse value) {
                        done.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(AdjustStockRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .addAllAdjustments(lines).build());
        requests.onCompleted();
        assertThat(done.get(10, TimeUnit.SECONDS).getAppliedCount()).isEqualTo(lines.size());
    }
}
