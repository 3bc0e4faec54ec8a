package meridian.conventions.errors;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;

/**
 * Replaces Quarkus' default exception handling (which can echo exception messages to the client)
 * with {@link GrpcStatusMapper}, for failures of Mutiny methods and of blocking handlers alike.
 */
@ApplicationScoped
public class MeridianExceptionHandlerProvider implements ExceptionHandlerProvider {

    private final GrpcStatusMapper mapper;

    public MeridianExceptionHandlerProvider(GrpcStatusMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
            ServerCall<ReqT, RespT> serverCall, Metadata metadata) {
        return new ExceptionHandler<>(listener, serverCall, metadata) {
            @Override
            protected void handleException(Throwable failure, ServerCall<ReqT, RespT> call, Metadata headers) {
                StatusRuntimeException status = mapper.toStatus(failure);
                Metadata trailers = status.getTrailers() != null ? status.getTrailers() : new Metadata();
                call.close(status.getStatus(), trailers);
            }
        };
    }

    @Override
    public Throwable transform(Throwable failure) {
        return mapper.toStatus(failure);
    }
}
