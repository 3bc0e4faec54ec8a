package meridian.conventions.validation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;

import build.buf.validate.FieldRules;
import build.buf.validate.Int32Rules;
import build.buf.validate.Int64Rules;
import build.buf.validate.MessageRules;
import build.buf.validate.StringRules;
import build.buf.validate.ValidateProto;

/**
 * The rules of a message type whose rules are all plain checks of singular fields ({@code string.pattern},
 * {@code string.uuid}, {@code int32}/{@code int64} bounds, {@code required} on a message field whose type is such a
 * type too), evaluated directly instead of through CEL. Only ever answers "valid": a
 * message it accepts passes every rule of its type, so protovalidate would find no violation either; anything else
 * (a broken rule, or a type with any other rule) goes to protovalidate, which words the violations. Patterns use
 * RE2 (re2j, CEL's engine) and must match the whole value, which implies CEL's {@code matches}.
 * <p>
 * Why: a streamed quote line ({@code sku} pattern, {@code quantity} range) was checked through the memo of valid
 * messages, whose lookup in 10,000 entries was about 15 % of pricing's CPU per line (mostly cache misses), and a
 * stream's first message (a new request_id, never in the memo) went through CEL; these checks cost less and keep
 * no memory per message.
 */
final class SimpleFieldRules {

    /** A field without rules. */
    private static final Predicate<Object> ANY = value -> true;

    /**
     * Per pattern, the values it accepted lately, one per slot by hash: the same resource name comes back call after
     * call, and RE2J's automaton took about 1 us per name (5 % of a cached GetPrice's CPU) where equals takes tens of
     * nanoseconds. Racy by design: a slot holds an immutable String or null, so a reader sees an accepted value or
     * misses; only an equal value hits.
     */
    private static final int ACCEPTED_SLOTS = 512;
    /** What protovalidate's {@code string.uuid} accepts (and more strictly: not empty). */
    private static final Pattern UUID = Pattern
            .compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private final List<FieldDescriptor> fields;
    private final List<Predicate<Object>> checks;

    private SimpleFieldRules(List<FieldDescriptor> fields, List<Predicate<Object>> checks) {
        this.fields = fields;
        this.checks = checks;
    }

    /** The checks of {@code type}, or null when some rule of it is not one this class evaluates. */
    static SimpleFieldRules of(Descriptor type) {
        return of(type, new HashSet<>());
    }

    /** {@code open}: the types being looked at, so a recursive type is left to protovalidate. */
    private static SimpleFieldRules of(Descriptor type, Set<Descriptor> open) {
        if (!open.add(type) || !type.getOptions().getExtension(ValidateProto.message).equals(MessageRules.getDefaultInstance())
                || !type.getOneofs().isEmpty()) {
            return null;
        }
        List<FieldDescriptor> fields = new ArrayList<>();
        List<Predicate<Object>> checks = new ArrayList<>();
        for (FieldDescriptor field : type.getFields()) {
            if (field.isRepeated()) {
                return null;
            }
            FieldRules rules = field.getOptions().getExtension(ValidateProto.field);
            Predicate<Object> check;
            if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                check = message(field, rules, open);
            } else {
                FieldRules others = rules.toBuilder().clearString().clearInt32().clearInt64().build();
                if (!others.equals(FieldRules.getDefaultInstance())) {
                    return null; // CEL, required, ignore or another type's rules
                }
                check = switch (rules.getTypeCase()) {
                    case TYPE_NOT_SET -> ANY;
                    case STRING -> field.getJavaType() == FieldDescriptor.JavaType.STRING ? string(rules.getString()) : null;
                    case INT64 -> field.getJavaType() == FieldDescriptor.JavaType.LONG ? bounds(rules.getInt64()) : null;
                    case INT32 -> field.getJavaType() == FieldDescriptor.JavaType.INT ? bounds(rules.getInt32()) : null;
                    default -> null;
                };
            }
            if (check == null) {
                return null;
            }
            if (check != ANY) {
                fields.add(field);
                checks.add(check);
            }
        }
        open.remove(type);
        return new SimpleFieldRules(List.copyOf(fields), List.copyOf(checks));
    }

    /** True when {@code message} passes every rule of its type. */
    boolean accepts(Message message) {
        for (int i = 0; i < fields.size(); i++) {
            FieldDescriptor field = fields.get(i);
            Object value = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !message.hasField(field) ? null
                    : message.getField(field);
            if (!checks.get(i).test(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A singular message field: only {@code required} (set), and the field's type checked directly when set
     * (protovalidate validates a set message field by its type's rules, an unset one not at all).
     */
    private static Predicate<Object> message(FieldDescriptor field, FieldRules rules, Set<Descriptor> open) {
        if (!rules.toBuilder().clearRequired().build().equals(FieldRules.getDefaultInstance())) {
            return null;
        }
        SimpleFieldRules nested = of(field.getMessageType(), open);
        if (nested == null) {
            return null;
        }
        boolean required = rules.getRequired();
        return value -> value == null ? !required : nested.accepts((Message) value);
    }

    /** {@code string.pattern} or {@code string.uuid}, alone. */
    private static Predicate<Object> string(StringRules rules) {
        StringRules others = rules.toBuilder().clearPattern().clearUuid().clearExample().build();
        if (!others.equals(StringRules.getDefaultInstance()) || rules.hasPattern() == (rules.hasUuid() && rules.getUuid())
                || rules.hasUuid() && !rules.getUuid()) {
            return null;
        }
        Pattern pattern = rules.hasPattern() ? Pattern.compile(rules.getPattern()) : UUID;
        String[] accepted = new String[ACCEPTED_SLOTS];
        return value -> {
            String text = (String) value;
            int slot = text.hashCode() & (ACCEPTED_SLOTS - 1);
            if (text.equals(accepted[slot])) {
                return true;
            }
            if (!pattern.matches(text)) {
                return false;
            }
            accepted[slot] = text;
            return true;
        };
    }

    private static Predicate<Object> bounds(Int64Rules rules) {
        if (!rules.toBuilder().clearGt().clearGte().clearLt().clearLte().clearExample().build()
                .equals(Int64Rules.getDefaultInstance())) {
            return null;
        }
        long min = rules.hasGte() ? rules.getGte() : rules.hasGt() ? rules.getGt() + 1 : Long.MIN_VALUE;
        long max = rules.hasLte() ? rules.getLte() : rules.hasLt() ? rules.getLt() - 1 : Long.MAX_VALUE;
        if (rules.hasGt() && rules.getGt() == Long.MAX_VALUE || rules.hasLt() && rules.getLt() == Long.MIN_VALUE) {
            return null;
        }
        return value -> {
            long v = (Long) value;
            return v >= min && v <= max;
        };
    }

    private static Predicate<Object> bounds(Int32Rules rules) {
        if (!rules.toBuilder().clearGt().clearGte().clearLt().clearLte().clearExample().build()
                .equals(Int32Rules.getDefaultInstance())) {
            return null;
        }
        long min = rules.hasGte() ? rules.getGte() : rules.hasGt() ? rules.getGt() + 1L : Long.MIN_VALUE;
        long max = rules.hasLte() ? rules.getLte() : rules.hasLt() ? rules.getLt() - 1L : Long.MAX_VALUE;
        return value -> {
            long v = (Integer) value;
            return v >= min && v <= max;
        };
    }
}
