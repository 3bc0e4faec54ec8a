package meridian.conventions.watch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.config.GrpcConventionsConfig;
import meridian.conventions.errors.GrpcStatusMapper;

/**
 * Opens the flow-controlled server streams of a service, with its error mapping and stall timeout, and ends them
 * with UNAVAILABLE when shutdown starts: an open watch would otherwise hold the graceful shutdown until its timeout,
 * and its client would be cut off instead of told to resume elsewhere.
 */
@ApplicationScoped
public class ServerStreams {

    private final GrpcStatusMapper mapper;
    private final GrpcConventionsConfig config;
    private final Set<FlowControlledStream<?>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    public ServerStreams(GrpcStatusMapper mapper, GrpcConventionsConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** Call inside the service method, with the method's response observer. */
    public <T> FlowControlledStream<T> open(StreamObserver<T> response) {
        FlowControlledStream<T> stream = new FlowControlledStream<>((ServerCallStreamObserver<T>) response, mapper,
                Infrastructure.getDefaultWorkerPool(), config.streamStallTimeout());
        open.removeIf(FlowControlledStream::isEnded);
        open.add(stream);
        if (shuttingDown) {
            stream.endForShutdown();
        }
        return stream;
    }

    /** With quarkus.shutdown.delay-enabled this comes first, while health already says NOT_SERVING. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        endAll();
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        endAll();
    }

    private void endAll() {
        shuttingDown = true;
        open.forEach(FlowControlledStream::endForShutdown);
        open.clear();
    }
}
