package meridian.orders.testing;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/** AIP-193 errors as the real services send them. */
final class FakeErrors {

    private FakeErrors() {
    }

    static StatusRuntimeException error(String domain, Status.Code code, String reason, String message,
            java.util.Map<String, String> metadata, Message... details) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder().setCode(code.value())
                .setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(domain).setReason(reason)
                        .putAllMetadata(metadata).build()));
        for (Message detail : details) {
            status.addDetails(Any.pack(detail));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
