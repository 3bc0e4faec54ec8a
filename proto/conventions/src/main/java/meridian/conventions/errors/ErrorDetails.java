package meridian.conventions.errors;

import java.util.List;
import java.util.Optional;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;

import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** Reads the AIP-193 details of a status received from a Meridian service. */
public final class ErrorDetails {

    private final List<Any> details;

    private ErrorDetails(List<Any> details) {
        this.details = details;
    }

    public static ErrorDetails of(Throwable failure) {
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        return new ErrorDetails(status == null ? List.of() : status.getDetailsList());
    }

    public Optional<ErrorInfo> errorInfo() {
        return find(ErrorInfo.class);
    }

    /** The ErrorInfo reason, or "" when the status has none. */
    public String reason() {
        return errorInfo().map(ErrorInfo::getReason).orElse("");
    }

    public Optional<BadRequest> badRequest() {
        return find(BadRequest.class);
    }

    public Optional<PreconditionFailure> preconditionFailure() {
        return find(PreconditionFailure.class);
    }

    /** Whether the failure is a status whose ErrorInfo has this reason. */
    public static boolean hasReason(StatusRuntimeException e, String reason) {
        return of(e).reason().equals(reason);
    }

    private <T extends Message> Optional<T> find(Class<T> type) {
        for (Any any : details) {
            if (any.is(type)) {
                try {
                    return Optional.of(any.unpack(type));
                } catch (InvalidProtocolBufferException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
