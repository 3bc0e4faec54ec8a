package meridian.conventions.validation;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Message;
import com.google.rpc.BadRequest;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GlobalInterceptor;
import meridian.conventions.errors.GrpcStatusMapper;
import meridian.conventions.errors.ServiceException;

/**
 * Rejects a request that breaks its buf.validate rules with INVALID_ARGUMENT (BadRequest field
 * violations plus ErrorInfo) before the service method runs, so nothing is persisted.
 *
 * Only calls where the client sends one message are checked here. Client-streaming and bidi
 * endpoints check each message themselves with {@link RequestValidator}: their contracts report a
 * bad line in the response instead of failing the whole stream.
 */
@GlobalInterceptor
@ApplicationScoped
public class RequestValidationInterceptor implements ServerInterceptor {

    private final RequestValidator validator;
    private final GrpcStatusMapper mapper;

    public RequestValidationInterceptor(RequestValidator validator, GrpcStatusMapper mapper) {
        this.validator = validator;
        this.mapper = mapper;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (!call.getMethodDescriptor().getType().clientSendsOneMessage()) {
            return next.startCall(call, headers);
        }
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean rejected;

            @Override
            public void onMessage(ReqT message) {
                if (message instanceof Message proto) {
                    List<BadRequest.FieldViolation> violations = validator.violations(proto);
                    if (!violations.isEmpty()) {
                        rejected = true;
                        StatusRuntimeException status = mapper.toStatus(ServiceException.invalidArgument(violations));
                        call.close(status.getStatus(), status.getTrailers());
                        return;
                    }
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                // The method of a unary or server-streaming call starts at half-close: never for a rejected one.
                if (!rejected) {
                    super.onHalfClose();
                }
            }
        };
    }
}
