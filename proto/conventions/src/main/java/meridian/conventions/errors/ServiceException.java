package meridian.conventions.errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import com.google.rpc.PreconditionFailure;

import io.grpc.Status;

/**
 * A failure the caller can act on: a gRPC code, an ErrorInfo reason and details (AIP-193).
 * Services throw it from their service layer; {@link GrpcStatusMapper} turns it into a status.
 * It carries no stack trace: it is an answer, not a bug.
 */
public final class ServiceException extends RuntimeException {

    private final Status.Code code;
    private final String reason;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<Message> details = new ArrayList<>();

    public ServiceException(Status.Code code, String reason, String message) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
    }

    /** NOT_FOUND for one resource name. */
    public static ServiceException notFound(String resourceName) {
        return new ServiceException(Status.Code.NOT_FOUND, "NOT_FOUND", resourceName + " does not exist")
                .withMetadata("resource", resourceName);
    }

    /** INVALID_ARGUMENT with one field violation. */
    public static ServiceException invalidField(String field, String description) {
        return invalidArgument(List.of(fieldViolation(field, description)));
    }

    /** INVALID_ARGUMENT with BadRequest field violations. */
    public static ServiceException invalidArgument(List<BadRequest.FieldViolation> violations) {
        String summary = violations.isEmpty() ? "invalid request"
                : violations.get(0).getField() + ": " + violations.get(0).getDescription()
                        + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : "");
        return new ServiceException(Status.Code.INVALID_ARGUMENT, "INVALID_REQUEST", summary)
                .withDetail(BadRequest.newBuilder().addAllFieldViolations(violations).build());
    }

    /** FAILED_PRECONDITION with PreconditionFailure violations (may be empty). */
    public static ServiceException failedPrecondition(String reason, String message,
            List<PreconditionFailure.Violation> violations) {
        ServiceException e = new ServiceException(Status.Code.FAILED_PRECONDITION, reason, message);
        if (!violations.isEmpty()) {
            e.withDetail(PreconditionFailure.newBuilder().addAllViolations(violations).build());
        }
        return e;
    }

    /** ALREADY_EXISTS for an idempotency key reused with another payload. */
    public static ServiceException requestIdReused(String requestId) {
        return new ServiceException(Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED",
                "request_id " + requestId + " was already used with a different request; use a new request_id")
                .withMetadata("request_id", requestId);
    }

    /** ABORTED: a concurrent change won; the caller may retry. */
    public static ServiceException concurrentModification(String message) {
        return new ServiceException(Status.Code.ABORTED, "CONCURRENT_MODIFICATION", message);
    }

    public static BadRequest.FieldViolation fieldViolation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    public static PreconditionFailure.Violation preconditionViolation(String type, String subject, String description) {
        return PreconditionFailure.Violation.newBuilder().setType(type).setSubject(subject)
                .setDescription(description).build();
    }

    public ServiceException withMetadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public ServiceException withDetail(Message detail) {
        details.add(detail);
        return this;
    }

    public Status.Code code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public Map<String, String> metadata() {
        return Map.copyOf(metadata);
    }

    public List<Message> details() {
        return List.copyOf(details);
    }
}
