package meridian.conventions.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;

import build.buf.protovalidate.Config;
import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.exceptions.ValidationException;
import build.buf.validate.ValidateProto;
import build.buf.validate.FieldPath;
import build.buf.validate.FieldPathElement;
import build.buf.validate.Violation;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServerMethodDefinition;
import io.quarkus.runtime.StartupEvent;
import meridian.conventions.errors.ServiceException;

/**
 * Checks a message against the buf.validate rules of its contract. The interceptor uses it for
 * single-message requests; streaming endpoints use it per message, to report a bad line in-band.
 *
 * A type whose rules are all plain field checks (patterns, UUIDs, integer bounds, required message fields) is
 * checked directly by {@link SimpleFieldRules}; only what that does not accept goes on as follows.
 * Rules are evaluated by {@link PatternCachingValidator}: protovalidate 1.1.0's CEL runtime would compile every
 * {@code string.pattern} regex again on each evaluation (about 20 µs per resource name). Small messages already
 * found valid are also remembered: the CEL evaluation itself is most of a hot read's validation, and hot
 * reads repeat the same few thousand requests. Validity of a message is a pure function of its
 * content unless a rule reads the clock ({@code now}, {@code *_now}, {@code within}); messages whose
 * rules do are never remembered. Invalid messages are never remembered either (rare, and their
 * details are always computed afresh).
 */
@ApplicationScoped
public class RequestValidator {

    /**
     * Messages larger than this are validated every time: they rarely repeat. Caffeine's TinyLFU admission keeps
     * a burst of one-off messages (a 10,000-line feed) from evicting the requests that do repeat.
     */
    static final int MEMO_MAX_MESSAGE_BYTES = 256;
    static final long MEMO_MAX_ENTRIES = 10_000;
    private static final Logger LOG = Logger.getLogger(RequestValidator.class);

    private final PatternCachingValidator validator = new PatternCachingValidator(Config.newBuilder().build());
    private final Cache<Message, Boolean> knownValid = Caffeine.newBuilder().maximumSize(MEMO_MAX_ENTRIES).build();
    private final Map<Descriptor, Boolean> clockFree = new ConcurrentHashMap<>();
    /** Per type: its rules checked directly ({@link SimpleFieldRules}), or {@link #NOT_SIMPLE}. */
    private final Map<Descriptor, Object> simpleRules = new ConcurrentHashMap<>();
    private static final Object NOT_SIMPLE = new Object();

    /**
     * Compiles the rules of every request type of the service's gRPC services at start, before gRPC health first
     * says SERVING (so readiness probes send no traffic yet): compiled on first use, the CEL programs took 3-10 s
     * on a loaded machine, on the event loop of the call that needed them, under protovalidate's one lock. A rule
     * that does not compile fails the start.
     */
    void compileRules(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent event,
            @Any Instance<BindableService> services) {
        long start = System.nanoTime();
        Set<Descriptor> types = new LinkedHashSet<>();
        for (BindableService service : services) {
            for (ServerMethodDefinition<?, ?> method : service.bindService().getMethods()) {
                if (method.getMethodDescriptor().getRequestMarshaller() instanceof PrototypeMarshaller<?> marshaller
                        && marshaller.getMessagePrototype() instanceof Message prototype) {
                    types.add(prototype.getDescriptorForType());
                }
            }
        }
        for (Descriptor type : types) {
            prepare(type);
        }
        LOG.infof("Compiled the validation rules of %d request types in %d ms", types.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    /** Compiles the rules of {@code type} and of the messages it contains, if not done yet. */
    private void prepare(Descriptor type) {
        clockFree.computeIfAbsent(type, RequestValidator::rulesIgnoreClock);
        simpleRules(type);
        try {
            validator.prepare(type);
        } catch (ValidationException e) {
            throw uncompilable(type, e);
        }
    }

    /** Whether the rules of {@code type} are compiled (by {@link #prepare} or a first validation). */
    public boolean isPrepared(Descriptor type) {
        return validator.isPrepared(type);
    }

    /** The violations of {@code message}, as BadRequest field violations; empty when valid. */
    public List<BadRequest.FieldViolation> violations(Message message) {
        SimpleFieldRules simple = simpleRules(message.getDescriptorForType());
        if (simple != null && simple.accepts(message)) {
            return List.of();
        }
        boolean memoizable = message.getSerializedSize() <= MEMO_MAX_MESSAGE_BYTES
                && clockFree.computeIfAbsent(message.getDescriptorForType(), RequestValidator::rulesIgnoreClock);
        if (memoizable && knownValid.getIfPresent(message) != null) {
            return List.of();
        }
        ValidationResult result;
        try {
            result = validator.validate(message);
        } catch (ValidationException e) {
            throw uncompilable(message.getDescriptorForType(), e);
        }
        if (result.isSuccess()) {
            if (memoizable) {
                knownValid.put(message, Boolean.TRUE);
            }
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

    private SimpleFieldRules simpleRules(Descriptor type) {
        Object rules = simpleRules.computeIfAbsent(type, t -> {
            SimpleFieldRules simple = SimpleFieldRules.of(t);
            return simple == null ? NOT_SIMPLE : simple;
        });
        return rules == NOT_SIMPLE ? null : (SimpleFieldRules) rules;
    }

    /** A rule that does not compile is a defect of the contract, not of the request. */
    private static IllegalStateException uncompilable(Descriptor type, ValidationException e) {
        return new IllegalStateException("validation rules of " + type.getFullName() + " cannot be evaluated", e);
    }

    /** Throws INVALID_ARGUMENT with the field violations when {@code message} breaks its rules. */
    public void check(Message message) {
        List<BadRequest.FieldViolation> violations = violations(message);
        if (!violations.isEmpty()) {
            throw ServiceException.invalidArgument(violations);
        }
    }

    /** True when no rule of {@code type} or of a message it contains can depend on the current time. */
    public static boolean rulesIgnoreClock(Descriptor type) {
        return rulesIgnoreClock(type, new HashSet<>());
    }

    private static boolean rulesIgnoreClock(Descriptor type, Set<Descriptor> seen) {
        if (!seen.add(type)) {
            return true;
        }
        if (readsClock(type.getOptions().getExtension(ValidateProto.message).toString())) {
            return false;
        }
        for (FieldDescriptor field : type.getFields()) {
            if (readsClock(field.getOptions().getExtension(ValidateProto.field).toString())) {
                return false;
            }
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                    && !rulesIgnoreClock(field.getMessageType(), seen)) {
                return false;
            }
        }
        return true;
    }

    /** Conservative: any mention of the clock in the rules' text form (lt_now, gt_now, within, CEL now). */
    private static boolean readsClock(String rules) {
        return rules.contains("now") || rules.contains("within");
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
