package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.platform.OtlpTraceReceiver.ReceivedSpan;

/** One PlaceOrder is one trace across the three processes, down to each service's SQL. */
class TraceEndToEndTest extends PlatformEndToEndTest {

    @Test
    void placeOrderIsOneTraceWithClientServerAndDatabaseSpansInEveryService() {
        Fixtures f = new Fixtures(inventory, pricing);
        String mug = f.sku("MUG");
        f.price(mug, 12, 0);
        f.receive(mug, 5);

        String traceId = TestTraces.newTraceId();
        Metadata headers = TestTraces.traceparent(traceId);
        Order order = OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .placeOrder(f.order(false, mug, 2)).getOrder();
        assertThat(order.getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ReceivedSpan> spans = running.traces.trace(traceId);
            Map<String, ReceivedSpan> byId = TestTraces.byId(spans);

            ReceivedSpan placeOrder = one(spans, "orders", SpanKind.SPAN_KIND_SERVER, "PlaceOrder");
            ReceivedSpan quoteClient = one(spans, "orders", SpanKind.SPAN_KIND_CLIENT, "QuotePrices");
            ReceivedSpan quoteServer = one(spans, "pricing", SpanKind.SPAN_KIND_SERVER, "QuotePrices");
            ReceivedSpan reserveClient = one(spans, "orders", SpanKind.SPAN_KIND_CLIENT, "ReserveStock");
            ReceivedSpan reserveServer = one(spans, "inventory", SpanKind.SPAN_KIND_SERVER, "ReserveStock");

            assertThat(TestTraces.descendsFrom(quoteClient, placeOrder, byId)).as("quote client under PlaceOrder").isTrue();
            assertThat(TestTraces.descendsFrom(reserveClient, placeOrder, byId)).as("reserve client under PlaceOrder").isTrue();
            assertThat(quoteServer.parentSpanId()).isEqualTo(quoteClient.spanId());
            assertThat(reserveServer.parentSpanId()).isEqualTo(reserveClient.spanId());
            assertThat(placeOrder.attributes()).containsEntry("rpc.system", "grpc")
                    .containsEntry("rpc.service", "meridian.orders.v1.OrdersService");

            for (ReceivedSpan server : List.of(placeOrder, quoteServer, reserveServer)) {
                List<ReceivedSpan> sql = spans.stream().filter(s -> s.service().equals(server.service()))
                        .filter(s -> "postgresql".equals(s.attributes().get("db.system")))
                        .filter(s -> TestTraces.descendsFrom(s, server, byId)).toList();
                assertThat(sql).as("SQL spans of %s under its server span", server.service()).isNotEmpty();
                // Statements are recorded without their parameters.
                sql.forEach(s -> assertThat(statement(s).orElse("")).doesNotContain(f.customer, mug));
            }
        });
        System.out.println(TraceTree.render(running.traces.trace(traceId)));
    }

    private static Optional<String> statement(ReceivedSpan span) {
        return Optional.ofNullable(span.attributes().getOrDefault("db.statement", span.attributes().get("db.query.text")));
    }

    private static ReceivedSpan one(List<ReceivedSpan> spans, String service, SpanKind kind, String method) {
        List<ReceivedSpan> matching = spans.stream().filter(s -> s.service().equals(service) && s.kind() == kind
                && method.equals(s.attributes().get("rpc.method"))).toList();
        assertThat(matching).as("%s %s span of %s", kind, method, service).isNotEmpty();
        return matching.get(0);
    }
}
