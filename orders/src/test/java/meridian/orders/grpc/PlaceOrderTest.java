package meridian.orders.grpc;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static meridian.orders.testing.OrdersTestSupport.sku;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.google.type.Money;

import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderLine;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.RejectedSku;
import meridian.testing.GrpcAssertions;

@QuarkusTest
class PlaceOrderTest extends OrdersGrpcTest {

    static final String LOCATION = "berlin-1";

    @Test
    void happyPathConfirmsWithQuotedPricesAndOneReservation() {
        String a = stocked(LOCATION, "apple", "1.10", 10);
        String b = stocked(LOCATION, "pear", "0.333", 10);
        Order order = orders.placeOrder(order(customer("happy"), LOCATION, line(a, 3), line(b, 3)).build()).getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(order.getLinesList()).extracting(OrderLine::getSku).containsExactly(a, b);
        assertThat(order.getLines(0).getUnitPrice()).isEqualTo(eur(1, 100_000_000));
        assertThat(order.getLines(0).getLineTotal()).isEqualTo(eur(3, 300_000_000));
        assertThat(order.getLines(1).getLineTotal()).isEqualTo(eur(0, 999_000_000));
        assertThat(order.getTotal()).isEqualTo(eur(4, 299_000_000));
        assertThat(order.getQuote()).startsWith("quotes/");
        assertThat(order.getReservation()).startsWith("reservations/");
        assertThat(inventory.reserved(LOCATION, a)).isEqualTo(3);
        assertThat(inventory.reservationsWithSku(a)).hasSize(1);
        assertThat(get(order)).isEqualTo(order);
    }

    @Test
    void outOfStockIsRejectedPerSkuAndReservesNothing() {
        String plenty = stocked(LOCATION, "plenty", "1", 10);
        String scarce = stocked(LOCATION, "scarce", "1", 2);
        Order order = orders.placeOrder(order(customer("oos"), LOCATION, line(plenty, 1), line(scarce, 5)).build())
                .getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("OUT_OF_STOCK");
        assertThat(order.getRejection().getSkusList()).containsExactly(
                RejectedSku.newBuilder().setSku(scarce).setRequested(5).setAvailable(2).build());
        assertThat(order.getReservation()).isEmpty();
        assertThat(inventory.reserved(LOCATION, plenty)).isZero();
    }

    @Test
    void stockNeverRecordedAtTheLocationIsOutOfStock() {
        String stocked = stocked(LOCATION, "here", "1", 10);
        String elsewhere = sku("elsewhere");
        pricing.setPrice(elsewhere, "EUR", "1");
        Order order = orders.placeOrder(order(customer("nowhere"), LOCATION, line(stocked, 1), line(elsewhere, 2))
                .build()).getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("OUT_OF_STOCK");
        assertThat(order.getRejection().getSkusList()).containsExactly(
                RejectedSku.newBuilder().setSku(elsewhere).setRequested(2).setAvailable(0).build());
        assertThat(inventory.reserved(LOCATION, stocked)).isZero();
    }

    @Test
    void unknownSkuIsRejectedWithoutReserving() {
        String known = stocked(LOCATION, "known", "2", 10);
        String unknown = sku("unknown");
        Order order = orders.placeOrder(order(customer("unknown"), LOCATION, line(known, 1), line(unknown, 4))
                .build()).getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("UNKNOWN_SKU");
        assertThat(order.getRejection().getSkusList()).extracting(RejectedSku::getSku).containsExactly(unknown);
        assertThat(inventory.reservationsWithSku(known)).isEmpty();
    }

    @Test
    void expiredQuoteIsRejectedWithoutReserving() {
        String sku = stocked(LOCATION, "stale", "2", 10);
        pricing.quoteTtl = Duration.ofSeconds(-1);
        Order order = orders.placeOrder(order(customer("expired"), LOCATION, line(sku, 1)).build()).getOrder();

        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_REJECTED);
        assertThat(order.getRejection().getReason()).isEqualTo("QUOTE_EXPIRED");
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();
    }

    @Test
    void shortStockWithBackorderAllowedIsBackordered() {
        String sku = stocked(LOCATION, "later", "2", 1);
        Order order = orders.placeOrder(order(customer("bo"), LOCATION, line(sku, 3)).setAllowBackorder(true).build())
                .getOrder();
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);
        assertThat(order.getTotal()).isEqualTo(eur(6, 0));
        assertThat(inventory.reserved(LOCATION, sku)).isZero();
    }

    @Test
    void badInputIsInvalidArgumentWithFieldsAndPersistsNothing() {
        String sku = stocked(LOCATION, "bad", "1", 10);
        PlaceOrderRequest bad = order("", LOCATION, line(sku, 0), line(sku, 1)).setCurrencyCode("eur")
                .setRequestId("not-a-uuid").build();
        GrpcAssertions.assertInvalidFields(() -> orders.placeOrder(bad),
                "request_id", "customer_id", "currency_code", "lines", "lines[0].quantity");
        assertThat(inventory.reservationsWithSku(sku)).isEmpty();
    }

    @Test
    void sameRequestIdWithSameRequestReturnsTheOriginalAndOtherPayloadIsRefused() {
        String sku = stocked(LOCATION, "again", "1", 10);
        PlaceOrderRequest request = order(customer("again"), LOCATION, line(sku, 2)).build();
        Order first = orders.placeOrder(request).getOrder();
        Order second = orders.placeOrder(request).getOrder();
        assertThat(second).isEqualTo(first);
        assertThat(inventory.reservationsWithSku(sku)).hasSize(1);

        PlaceOrderRequest other = request.toBuilder().setLines(0, line(sku, 3)).build();
        GrpcAssertions.assertStatus(() -> orders.placeOrder(other), Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
    }

    @Test
    void twentyParallelCallsWithOneRequestIdMakeOneOrderAndOneReservation() throws Exception {
        String sku = stocked(LOCATION, "rush", "5", 100);
        // Slow pricing keeps the first call running while the others arrive.
        pricing.quoteFaults.delay(Duration.ofMillis(300));
        PlaceOrderRequest request = order(customer("rush"), LOCATION, line(sku, 1)).build();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<Order>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(() -> orders.withDeadlineAfter(30, TimeUnit.SECONDS).placeOrder(request).getOrder());
            }
            List<Order> results = new ArrayList<>();
            for (Future<Order> f : pool.invokeAll(calls)) {
                results.add(f.get());
            }
            assertThat(results).allSatisfy(o -> assertThat(o).isEqualTo(results.get(0)));
            assertThat(results.get(0).getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        } finally {
            pool.shutdownNow();
        }
        assertThat(inventory.reservationsWithSku(sku)).hasSize(1);
        assertThat(inventory.reserved(LOCATION, sku)).isEqualTo(1);
    }

    @Test
    void theCallersDeadlineReachesTheDownstreamCalls() {
        String sku = stocked(LOCATION, "budget", "1", 10);
        orders.withDeadlineAfter(3, TimeUnit.SECONDS)
                .placeOrder(order(customer("budget"), LOCATION, line(sku, 1)).build());
        // The default client deadline in tests is far longer (see application.properties %test).
        assertThat(pricing.lastQuoteBudgetMillis).isBetween(0L, 3000L);
        assertThat(inventory.lastReserveBudgetMillis).isBetween(0L, 3000L);
    }

    static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }
}
