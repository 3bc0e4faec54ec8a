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
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
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
import meridian.conventions.idempotency.RequestFingerprint;

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
 *
 * A request carrying an idempotency key ({@code request_id}, AIP-155) is new on every call, so it would never hit
 * the memo although the rest of it (a reservation's lines) repeats. Its key is checked on its own, against a type
 * holding only that field with the same rules, and the rest through the memo. That is exact as long as no rule looks
 * at the key together with another field, so types with message-level rules, or with the key in a oneof, are not
 * split.
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
    private final Map<Descriptor, TypeRules> typeRules = new ConcurrentHashMap<>();

    /**
     * What is known of a type's rules, looked up once per message: whether they can read the clock, its direct
     * checks ({@link SimpleFieldRules}; null when not all of its rules are plain), its key split (null: none).
     */
    private record TypeRules(boolean clockFree, SimpleFieldRules simple, KeySplit split) {

        static TypeRules of(Descriptor type) {
            return new TypeRules(rulesIgnoreClock(type), SimpleFieldRules.of(type), splitKey(type));
        }

        boolean acceptsDirectly(Message message) {
            return simple != null && simple.accepts(message);
        }
    }

    /**
     * A request type's idempotency key, a type holding only that field with the same rules, and that type's direct
     * checks (null when not plain).
     */
    private record KeySplit(FieldDescriptor key, Descriptor alone, SimpleFieldRules aloneSimple) {

        /** Whether the request without its key is small enough to be remembered; else splitting gains nothing. */
        boolean restIsSmall(Message request) {
            return request.getSerializedSize() - CodedOutputStream.computeStringSize(key.getNumber(),
                    (String) request.getField(key)) <= MEMO_MAX_MESSAGE_BYTES;
        }

        Message keyAlone(Message request) {
            return DynamicMessage.newBuilder(alone).setField(alone.getFields().get(0), request.getField(key)).build();
        }

        boolean acceptsKeyDirectly(Message keyAlone) {
            return aloneSimple != null && aloneSimple.accepts(keyAlone);
        }
    }

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
        KeySplit split = rulesOf(type).split();
        try {
            validator.prepare(type);
            if (split != null) {
                validator.prepare(split.alone());
            }
        } catch (ValidationException e) {
            throw uncompilable(type, e);
        }
    }

    /** Whether the rules of {@code type} are compiled (by {@link #prepare} or a first validation). */
    public boolean isPrepared(Descriptor type) {
        KeySplit split = rulesOf(type).split();
        return validator.isPrepared(type) && (split == null || validator.isPrepared(split.alone()));
    }

    /** The violations of {@code message}, as BadRequest field violations; empty when valid. */
    public List<BadRequest.FieldViolation> violations(Message message) {
        TypeRules rules = rulesOf(message.getDescriptorForType());
        if (rules.acceptsDirectly(message)) {
            return List.of();
        }
        if (!rules.clockFree()) {
            return evaluate(message, null, false);
        }
        KeySplit split = rules.split();
        if (split == null || !split.restIsSmall(message)) {
            return evaluate(message, null, true);
        }
        Message keyAlone = split.keyAlone(message);
        List<BadRequest.FieldViolation> key = split.acceptsKeyDirectly(keyAlone) ? List.of()
                : evaluate(keyAlone, null, false);
        List<BadRequest.FieldViolation> rest = evaluate(message.toBuilder().clearField(split.key()).build(),
                RequestFingerprint.REQUEST_ID_FIELD, true);
        if (key.isEmpty()) {
            return rest;
        }
        List<BadRequest.FieldViolation> all = new ArrayList<>(key);
        all.addAll(rest);
        return all;
    }

    private TypeRules rulesOf(Descriptor type) {
        return typeRules.computeIfAbsent(type, TypeRules::of);
    }

    /**
     * The violations of {@code message}, leaving out those on the top-level field {@code ignoredField} (null: none);
     * when none are left and {@code memoizable}, the message is remembered as valid.
     */
    private List<BadRequest.FieldViolation> evaluate(Message message, String ignoredField, boolean memoizable) {
        boolean remember = memoizable && message.getSerializedSize() <= MEMO_MAX_MESSAGE_BYTES;
        if (remember && knownValid.getIfPresent(message) != null) {
            return List.of();
        }
        ValidationResult result;
        try {
            result = validator.validate(message);
        } catch (ValidationException e) {
            throw uncompilable(message.getDescriptorForType(), e);
        }
        List<BadRequest.FieldViolation> violations = new ArrayList<>();
        for (build.buf.protovalidate.Violation v : result.getViolations()) {
            Violation proto = v.toProto();
            String field = path(proto.getField());
            if (!field.equals(ignoredField)) {
                violations.add(BadRequest.FieldViolation.newBuilder()
                        .setField(field)
                        .setDescription(proto.getMessage())
                        .setReason(proto.getRuleId())
                        .build());
            }
        }
        if (violations.isEmpty() && remember) {
            knownValid.put(message, Boolean.TRUE);
        }
        return violations;
    }

    /** The key split of {@code type} when it has a rule-bearing idempotency key that no other rule can see; else null. */
    private static KeySplit splitKey(Descriptor type) {
        FieldDescriptor key = type.findFieldByName(RequestFingerprint.REQUEST_ID_FIELD);
        if (key == null || key.isRepeated() || key.getJavaType() != FieldDescriptor.JavaType.STRING
                || key.getContainingOneof() != null || !key.getOptions().hasExtension(ValidateProto.field)
                || type.getOptions().hasExtension(ValidateProto.message)) {
            return null;
        }
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("meridian/validation/key/" + type.getFullName() + ".proto")
                .setPackage(type.getFile().getPackage())
                .setSyntax("proto3")
                .addDependency(ValidateProto.getDescriptor().getName())
                .addMessageType(DescriptorProto.newBuilder().setName(type.getName() + "Key").addField(key.toProto()))
                .build();
        try {
            FileDescriptor built = FileDescriptor.buildFrom(file, new FileDescriptor[] { ValidateProto.getDescriptor() });
            Descriptor alone = built.getMessageTypes().get(0);
            return new KeySplit(key, alone, SimpleFieldRules.of(alone));
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException("cannot describe the idempotency key of " + type.getFullName(), e);
        }
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
    public static String path(FieldPath path) {
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
