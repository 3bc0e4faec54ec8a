package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.platform.OtlpTraceReceiver.ReceivedSpan;

/**
 * Stock that lets a backorder through is traced as its own short trace: a promotion span in orders, linked to the
 * AdjustStock call that wrote the stock change, with the promotion's ReserveStock call under it.
 */
class BackorderTraceEndToEndTest extends PlatformEndToEndTest {

    @Test
    void promotionSpanIsLinkedToTheStockChangeAndParentsTheReservation() {
        Fixtures f = new Fixtures(inventory, pricing);
        String kettle = f.sku("KETTLE");
        f.price(kettle, 30, 0);
        f.receive(kettle, 1);
        Order backordered = OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                .placeOrder(f.order(true, kettle, 3)).getOrder();
        assertThat(backordered.getState()).isEqualTo(OrderState.ORDER_STATE_BACKORDERED);

        String traceId = TestTraces.newTraceId();
        f.receive(kettle, 5, TestTraces.traceparent(traceId));

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
            Map<String, ReceivedSpan> byId = TestTraces.byId(trace);
            assertThat(trace).filteredOn(s -> s.service().equals("orders") && s.kind() == SpanKind.SPAN_KIND_CLIENT
                    && "ReserveStock".equals(s.attributes().get("rpc.method")) && TestTraces.descendsFrom(s, promotion, byId))
                    .as("ReserveStock client span under the promotion").isNotEmpty();
        });
        ReceivedSpan promotion = running.traces.allSpans().stream()
                .filter(s -> s.name().equals("orders.backorders.promote") && s.links().contains(traceId)).findFirst()
                .orElseThrow();
        System.out.println(TraceTree.render(running.traces.trace(promotion.traceId())));
    }
}
