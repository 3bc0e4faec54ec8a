package meridian.conventions.validation;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.Message;
import com.google.rpc.BadRequest;

import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import build.buf.protovalidate.exceptions.ValidationException;
import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;
import build.buf.validate.Violation;
import meridian.conventions.errors.ServiceException;

/**
 * Checks a message against the buf.validate rules of its contract. The interceptor uses it for
 * single-message requests; streaming endpoints use it per message, to report a bad line in-band.
 */
@ApplicationScoped
public class RequestValidator {

    private final Validator validator = ValidatorFactory.newBuilder().build();

    /** The violations of {@code message}, as BadRequest field violations; empty when valid. */
    public List<BadRequest.FieldViolation> violations(Message message) {
        ValidationResult result;
        try {
            result = validator.validate(message);
        } catch (ValidationException e) {
            // A rule that does not compile is a defect of the contract, not of the request.
            throw new IllegalStateException("validation rules of " + message.getDescriptorForType().getFullName()
                    + " cannot be evaluated", e);
        }
        if (result.isSuccess()) {
            return List.of();
        }
        List<BadRequest.FieldViolation> violations = new ArrayList<>();
        for (build.buf.protovalidate.Violation v : result.getViolations()) {
            Violation proto = v.toProto();
            violations.add(BadRequest.FieldViolation.newBuilder()
                    .setField(path(proto.getField()))
                    .setDescription(proto.getMessage())
                    .setReason(proto.getRuleId())
                    .build());
        }
        return violations;
    }

    /** Throws INVALID_ARGUMENT with the field violations when {@code message} breaks its rules. */
    public void check(Message message) {
        List<BadRequest.FieldViolation> violations = violations(message);
        if (!violations.isEmpty()) {
            throw ServiceException.invalidArgument(violations);
        }
    }

    /** "lines[0].quantity" style path; "" for a rule on the message itself. */
    static String path(FieldPath path) {
        StringBuilder out = new StringBuilder();
        for (FieldPathElement element : path.getElementsList()) {
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(element.getFieldName());
            switch (element.getSubscriptCase()) {
                case INDEX -> out.append('[').append(element.getIndex()).append(']');
                case STRING_KEY -> out.append("[\"").append(element.getStringKey()).append("\"]");
                case INT_KEY -> out.append('[').append(element.getIntKey()).append(']');
                case UINT_KEY -> out.append('[').append(element.getUintKey()).append(']');
                case BOOL_KEY -> out.append('[').append(element.getBoolKey()).append(']');
                default -> {
                }
            }
        }
        return out.toString();
    }
}
