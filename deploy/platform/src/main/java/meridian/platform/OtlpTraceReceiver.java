package meridian.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A minimal OTLP/gRPC trace receiver: what the services export locally (instead of a collector) so traces can be
 * looked at without installing anything, and what the end-to-end suite asserts on.
 */
public final class OtlpTraceReceiver implements AutoCloseable {

    /** One received span with the service that produced it. */
    public record ReceivedSpan(String service, String traceId, String spanId, String parentSpanId, String name,
            Span.SpanKind kind, long startNanos, long endNanos, Map<String, String> attributes, List<String> links) {

        public long durationMicros() {
            return (endNanos - startNanos) / 1_000;
        }
    }

    private final Server server;
    private final Map<String, List<ReceivedSpan>> traces = new ConcurrentHashMap<>();
    private final List<Consumer<ReceivedSpan>> listeners = new CopyOnWriteArrayList<>();

    public OtlpTraceReceiver(int port) {
        server = NettyServerBuilder.forPort(port).addService(new TraceServiceGrpc.TraceServiceImplBase() {
            @Override
            public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> observer) {
                receive(request);
                observer.onNext(ExportTraceServiceResponse.getDefaultInstance());
                observer.onCompleted();
            }
        }).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for OTLP on port " + port, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public String endpoint() {
        return "http://localhost:" + port();
    }

    public void onSpan(Consumer<ReceivedSpan> listener) {
        listeners.add(listener);
    }

    public List<ReceivedSpan> trace(String traceId) {
        return List.copyOf(traces.getOrDefault(traceId, List.of()));
    }

    public List<ReceivedSpan> allSpans() {
        List<ReceivedSpan> all = new ArrayList<>();
        traces.values().forEach(all::addAll);
        return all;
    }

    private void receive(ExportTraceServiceRequest request) {
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = resource.getResource().getAttributesList().stream()
                    .filter(kv -> kv.getKey().equals("service.name")).map(kv -> kv.getValue().getStringValue())
                    .findFirst().orElse("unknown");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    Map<String, String> attributes = new java.util.LinkedHashMap<>();
                    for (KeyValue kv : span.getAttributesList()) {
                        attributes.put(kv.getKey(), text(kv.getValue()));
                    }
                    ReceivedSpan received = new ReceivedSpan(service, hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()),
                            span.getParentSpanId().isEmpty() ? "" : hex.formatHex(span.getParentSpanId().toByteArray()),
                            span.getName(), span.getKind(), span.getStartTimeUnixNano(), span.getEndTimeUnixNano(),
                            attributes, span.getLinksList().stream()
                                    .map(l -> hex.formatHex(l.getTraceId().toByteArray())).toList());
                    traces.computeIfAbsent(received.traceId(), id -> new CopyOnWriteArrayList<>()).add(received);
                    listeners.forEach(l -> l.accept(received));
                }
            }
        }
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> Long.toString(value.getIntValue());
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            default -> value.toString().trim();
        };
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
