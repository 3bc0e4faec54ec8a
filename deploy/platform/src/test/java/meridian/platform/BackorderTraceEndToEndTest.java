package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockAdjustment;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.platform.OtlpTraceReceiver.ReceivedSpan;

/**
 * Stock that lets a backorder through is traced as its own short trace: a promotion span in orders, linked to the
 * AdjustStock call that wrote the stock change, with the promotion's ReserveStock call under it.
 */
class BackorderTraceEndToEndTest {

    static RunningPlatform running;
    static ManagedChannel inventory;
    static ManagedChannel pricing;
    static ManagedChannel orders;

    @BeforeAll
    static void start() {
        running = RunningPlatform.get();
        inventory = running.channel("inventory");
        pricing = running.channel("pricing");
        orders = running.channel("orders");
    }

    @AfterAll
    static void close() {
        inventory.shutdownNow();
        pricing.shutdownNow();
        orders.shutdownNow();
    }

    @Test
    void promotionSpanIsLinkedToTheStockChangeAndParentsTheReservation() {
        Fixtures f = new Fixtures(inventory, pricing);
        String kettle = f.sku("KETTLE");
        f.price(kettle, 30, 0);
        f.receive(kettle, 1);
        Order backordered = OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                .placeOrder(f.order(true, kettle, 3)).getOrder();
        assertThat(backordered.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

        String traceId = randomHex(16);
        receiveTraced(f, kettle, 5, "00-" + traceId + "-" + randomHex(8) + "-01");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(OrdersServiceGrpc.newBlockingStub(orders)
                .getOrder(GetOrderRequest.newBuilder().setName(backordered.getName()).build()).getOrder().getState())
                .isEqualTo(OrderState.ORDER_STATE_CONFIRMED));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ReceivedSpan> promotions = running.traces.allSpans().stream()
                    .filter(s -> s.service().equals("orders") && s.name().equals("orders.backorders.promote"))
                    .filter(s -> s.links().contains(traceId)).toList();
            assertThat(promotions).as("promotion span linked to the AdjustStock trace").hasSize(1);
            ReceivedSpan promotion = promotions.get(0);
            assertThat(promotion.parentSpanId()).as("a root span, not a child of the stream").isEmpty();
            assertThat(promotion.traceId()).isNotEqualTo(traceId);
            assertThat(promotion.attributes()).containsEntry("meridian.sku", kettle);

            List<ReceivedSpan> trace = running.traces.trace(promotion.traceId());
            Map<String, ReceivedSpan> byId = trace.stream()
                    .collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity(), (a, b) -> a));
            assertThat(trace).filteredOn(s -> s.service().equals("orders") && s.kind() == SpanKind.SPAN_KIND_CLIENT
                    && "ReserveStock".equals(s.attributes().get("rpc.method")) && descendsFrom(s, promotion, byId))
                    .as("ReserveStock client span under the promotion").isNotEmpty();
        });
        ReceivedSpan promotion = running.traces.allSpans().stream()
                .filter(s -> s.name().equals("orders.backorders.promote") && s.links().contains(traceId)).findFirst()
                .orElseThrow();
        System.out.println(TraceTree.render(running.traces.trace(promotion.traceId())));
    }

    /** An AdjustStock feed sent with a traceparent header, as a traced caller would. */
    private static void receiveTraced(Fixtures f, String sku, long delta, String traceparent) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER), traceparent);
        CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
        StreamObserver<AdjustStockRequest> feed = InventoryServiceGrpc.newStub(inventory)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .adjustStock(new StreamObserver<>() {
                    @Override
                    public void onNext(AdjustStockResponse value) {
                        summary.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        summary.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        summary.complete(null);
                    }
                });
        feed.onNext(AdjustStockRequest.newBuilder().setRequestId(Fixtures.id()).addAdjustments(StockAdjustment.newBuilder()
                .setSku(sku).setLocationId(f.location).setDelta(delta).setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED))
                .build());
        feed.onCompleted();
        assertThat(summary.join()).isNotNull();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static boolean descendsFrom(ReceivedSpan span, ReceivedSpan ancestor, Map<String, ReceivedSpan> byId) {
        ReceivedSpan current = span;
        for (int depth = 0; depth < 50 && current != null; depth++) {
            if (current.parentSpanId().equals(ancestor.spanId())) {
                return true;
            }
            current = byId.get(current.parentSpanId());
        }
        return false;
    }
}
