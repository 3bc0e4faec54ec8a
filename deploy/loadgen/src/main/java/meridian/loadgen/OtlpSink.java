package meridian.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * Where the services' traces go while tracing is measured: accepts OTLP/gRPC exports like a collector and only
 * counts the spans (a receiver that keeps them, like the platform's, would grow without bound under load).
 */
public final class OtlpSink implements AutoCloseable {

    private final LongAdder spans = new LongAdder();
    private final Server server;

    public OtlpSink() {
        server = NettyServerBuilder.forPort(0).addService(new TraceServiceGrpc.TraceServiceImplBase() {
            @Override
            public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
                for (ResourceSpans resource : request.getResourceSpansList()) {
                    for (ScopeSpans scope : resource.getScopeSpansList()) {
                        spans.add(scope.getSpansCount());
                    }
                }
                responses.onNext(ExportTraceServiceResponse.getDefaultInstance());
                responses.onCompleted();
            }
        }).build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String endpoint() {
        return "http://localhost:" + server.getPort();
    }

    public long spans() {
        return spans.sum();
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
