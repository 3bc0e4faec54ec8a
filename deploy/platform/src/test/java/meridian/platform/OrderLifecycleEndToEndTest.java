package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.StockChangeKind;
import meridian.inventory.v1.StockLevel;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderEvent;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.orders.v1.WatchOrderEventsResponse;

/** A whole order life across the three real services, seen through their public contracts and streams. */
class OrderLifecycleEndToEndTest extends PlatformEndToEndTest {

    @Test
    void placeBackorderPromoteFulfilCancel() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String tea = f.sku("TEA");
        String kettle = f.sku("KETTLE");
        f.price(tea, 4, 500_000_000);
        f.price(kettle, 39, 900_000_000);
        f.receive(tea, 10);
        f.receive(kettle, 1);

        List<OrderEvent> events = new CopyOnWriteArrayList<>();
        List<StockChange> changes = new CopyOnWriteArrayList<>();
        Context.CancellableContext watching = Context.current().withCancellation();
        watching.run(() -> {
            OrdersServiceGrpc.newStub(orders).watchOrderEvents(
                    WatchOrderEventsRequest.newBuilder().setCustomerId(f.customer).build(),
                    collect(events, WatchOrderEventsResponse::getEvent));
            InventoryServiceGrpc.newStub(inventory).watchStockLevels(
                    WatchStockLevelsRequest.newBuilder().addLocationIds(f.location).build(),
                    collect(changes, WatchStockLevelsResponse::getChange));
        });
        try {
            TimeUnit.MILLISECONDS.sleep(500); // let both watches subscribe before the first change
            OrdersServiceGrpc.OrdersServiceBlockingStub stub = OrdersServiceGrpc.newBlockingStub(orders)
                    .withDeadlineAfter(20, TimeUnit.SECONDS);

            Order confirmed = stub.placeOrder(f.order(false, tea, 3)).getOrder();
            assertThat(confirmed.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
            assertThat(confirmed.getTotal()).isEqualTo(Fixtures.eur(13, 500_000_000));
            assertThat(confirmed.getReservation()).startsWith("reservations/");

            Order backordered = stub.placeOrder(f.order(true, kettle, 2)).getOrder();
            assertThat(backordered.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

            f.receive(kettle, 5);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(OrdersServiceGrpc.newBlockingStub(orders)
                    .getOrder(GetOrderRequest.newBuilder().setName(backordered.getName()).build()).getOrder().getState())
                    .isEqualTo(OrderState.ORDER_STATE_CONFIRMED));

            Order fulfilled = OrdersServiceGrpc.newBlockingStub(orders).fulfillOrder(FulfillOrderRequest.newBuilder()
                    .setName(confirmed.getName()).setRequestId(Fixtures.id()).build()).getOrder();
            assertThat(fulfilled.getState()).isEqualTo(OrderState.ORDER_STATE_FULFILLED);
            Order cancelled = OrdersServiceGrpc.newBlockingStub(orders).cancelOrder(CancelOrderRequest.newBuilder()
                    .setName(backordered.getName()).setRequestId(Fixtures.id()).build()).getOrder();
            assertThat(cancelled.getState()).isEqualTo(OrderState.ORDER_STATE_CANCELLED);

            // Stock: the fulfilled order's 3 teas left; the cancelled order's kettles are available again.
            StockLevel teaLevel = f.stock(tea);
            assertThat(List.of(teaLevel.getOnHand(), teaLevel.getReserved(), teaLevel.getAvailable())).containsExactly(7L, 0L, 7L);
            StockLevel kettleLevel = f.stock(kettle);
            assertThat(List.of(kettleLevel.getOnHand(), kettleLevel.getReserved(), kettleLevel.getAvailable()))
                    .containsExactly(6L, 0L, 6L);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(states(events, confirmed.getName())).containsSubsequence(
                        OrderState.ORDER_STATE_CONFIRMED, OrderState.ORDER_STATE_FULFILLED);
                assertThat(states(events, backordered.getName())).containsSubsequence(OrderState.ORDER_STATE_BACKORDERED,
                        OrderState.ORDER_STATE_CONFIRMED, OrderState.ORDER_STATE_CANCELLED);
                assertThat(kinds(changes, tea)).containsSubsequence(StockChangeKind.STOCK_CHANGE_KIND_RESERVED,
                        StockChangeKind.STOCK_CHANGE_KIND_COMMITTED);
                assertThat(kinds(changes, kettle)).containsSubsequence(StockChangeKind.STOCK_CHANGE_KIND_ADJUSTED,
                        StockChangeKind.STOCK_CHANGE_KIND_RESERVED, StockChangeKind.STOCK_CHANGE_KIND_RELEASED);
            });
            assertThat(events).extracting(OrderEvent::getCursor).doesNotHaveDuplicates();
            assertThat(changes).extracting(StockChange::getCursor).doesNotHaveDuplicates();
            // The last stock change of each SKU carries the stock level the final read shows.
            assertThat(last(changes, tea).getStockLevel().getOnHand()).isEqualTo(7L);
            assertThat(last(changes, kettle).getStockLevel().getReserved()).isZero();
        } finally {
            watching.cancel(null);
        }
    }

    private static List<OrderState> states(List<OrderEvent> events, String order) {
        return events.stream().filter(e -> e.getOrder().equals(order)).map(OrderEvent::getToState).toList();
    }

    private static List<StockChangeKind> kinds(List<StockChange> changes, String sku) {
        return changes.stream().filter(c -> c.getStockLevel().getSku().equals(sku)).map(StockChange::getKind).toList();
    }

    private static StockChange last(List<StockChange> changes, String sku) {
        List<StockChange> of = new ArrayList<>(changes.stream().filter(c -> c.getStockLevel().getSku().equals(sku)).toList());
        return of.get(of.size() - 1);
    }

    static <R, T> StreamObserver<R> collect(List<T> into, java.util.function.Function<R, T> item) {
        return new StreamObserver<>() {
            @Override
            public void onNext(R value) {
                into.add(item.apply(value));
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
