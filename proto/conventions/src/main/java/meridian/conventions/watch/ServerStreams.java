package meridian.conventions.watch;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.config.GrpcConventionsConfig;
import meridian.conventions.errors.GrpcStatusMapper;

/** Opens the flow-controlled server streams of a service, with its error mapping and stall timeout. */
@ApplicationScoped
public class ServerStreams {

    private final GrpcStatusMapper mapper;
    private final GrpcConventionsConfig config;

    public ServerStreams(GrpcStatusMapper mapper, GrpcConventionsConfig config) {
        this.mapper = mapper;
        this.config = config;
    }

    /** Call inside the service method, with the method's response observer. */
    public <T> FlowControlledStream<T> open(StreamObserver<T> response) {
        return new FlowControlledStream<>((ServerCallStreamObserver<T>) response, mapper,
                Infrastructure.getDefaultWorkerPool(), config.streamStallTimeout());
    }
}
