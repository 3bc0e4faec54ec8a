package meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import meridian.conventions.errors.ErrorDetails;

/** Assertions on the AIP-193 errors of a call: status code, ErrorInfo and field violations. */
public final class GrpcAssertions {

    private GrpcAssertions() {
    }

    /** Runs {@code call}, asserts it fails with {@code code} and an ErrorInfo of {@code reason}, returns the failure. */
    public static StatusRuntimeException assertStatus(ThrowingCallable call, Status.Code code, String reason) {
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, call);
        assertThat(failure).as("call should fail with %s", code).isNotNull();
        assertThat(failure.getStatus().getCode()).as("status of: %s", failure.getStatus()).isEqualTo(code);
        ErrorInfo info = ErrorDetails.of(failure).errorInfo().orElse(null);
        assertThat(info).as("ErrorInfo of %s", failure.getStatus()).isNotNull();
        assertThat(info.getReason()).isEqualTo(reason);
        assertNoLeak(failure);
        return failure;
    }

    /** Asserts INVALID_ARGUMENT with BadRequest violations on exactly the fields given (in any order). */
    public static StatusRuntimeException assertInvalidFields(ThrowingCallable call, String... fields) {
        StatusRuntimeException failure = assertStatus(call, Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST");
        List<String> violated = ErrorDetails.of(failure).badRequest().orElse(BadRequest.getDefaultInstance())
                .getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).distinct().toList();
        assertThat(violated).containsExactlyInAnyOrder(fields);
        return failure;
    }

    /** No class name, SQL or stack trace in what the client sees. */
    public static void assertNoLeak(StatusRuntimeException failure) {
        String description = String.valueOf(failure.getStatus().getDescription());
        assertThat(description).doesNotContainPattern("(?i)(exception|\\bat [a-z]+\\.|select |insert |update |java\\.|org\\.|sqlstate)");
    }
}
