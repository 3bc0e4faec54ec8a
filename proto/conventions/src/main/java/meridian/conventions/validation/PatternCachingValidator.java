package meridian.conventions.validation;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.re2j.Pattern;

import io.quarkus.runtime.annotations.RegisterForReflection;

import build.buf.protovalidate.Config;
import build.buf.protovalidate.ValidationResult;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.Violation;
import build.buf.protovalidate.exceptions.ValidationException;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelOptions;
import dev.cel.common.CelRuntimeException;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.cel.runtime.CelStandardFunctions;

/**
 * protovalidate 1.1.0's validator (its {@code ValidatorImpl}), except that CEL's {@code matches} compiles each
 * regular expression once per validator instead of on every evaluation of every {@code string.pattern} rule. That is
 * the fix protovalidate-java made after 1.1.0 (PR 459, in 1.2.2), whose releases need protobuf-java 4.34, newer than
 * Quarkus' 4.33. The evaluator builder it needs is package-private in 1.1.0, so it is reached through method
 * handles (classpath packages are open), which also works when the test class loaders load this module and
 * protovalidate separately. Delete this class when protovalidate can be upgraded. The classes it reaches are
 * registered for reflection so a native image keeps them reachable.
 */
@RegisterForReflection(methods = true, classNames = { "build.buf.protovalidate.EvaluatorBuilder",
        "build.buf.protovalidate.Evaluator", "build.buf.protovalidate.Value", "build.buf.protovalidate.ValidateLibrary",
        "build.buf.protovalidate.MessageValue", "build.buf.protovalidate.RuleViolation",
        "build.buf.protovalidate.RuleViolation$Builder" })
public final class PatternCachingValidator implements Validator {

    /** Patterns come from the contracts' rules; bounded in case a custom rule builds one from its input. */
    private static final int MAX_PATTERNS = 1_000;

    private final Object evaluatorBuilder;
    private final boolean failFast;
    private final MethodHandle load;
    private final MethodHandle compiled;
    private final MethodHandle evaluate;
    private final MethodHandle messageValue;
    private final MethodHandle buildViolation;

    public PatternCachingValidator(Config config) {
        CelOptions options = CelOptions.DEFAULT.toBuilder().evaluateCanonicalTypesToNativeValues(true).build();
        Cache<String, Pattern> patterns = Caffeine.newBuilder().maximumSize(MAX_PATTERNS).build();
        try {
            Class<?> builderType = Class.forName("build.buf.protovalidate.EvaluatorBuilder");
            Class<?> evaluatorType = Class.forName("build.buf.protovalidate.Evaluator");
            Class<?> valueType = Class.forName("build.buf.protovalidate.Value");
            Class<?> libraryType = Class.forName("build.buf.protovalidate.ValidateLibrary");
            Class<?> violationBuilderType = Class.forName("build.buf.protovalidate.RuleViolation$Builder");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builderType, MethodHandles.lookup());
            Object library = lookup.findConstructor(libraryType, MethodType.methodType(void.class)).invoke();
            // CEL only lets the standard environment's bindings be replaced when it is given explicitly.
            Cel cel = CelFactory.standardCelBuilder()
                    .setStandardEnvironmentEnabled(false)
                    .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
                    .setStandardFunctions(CelStandardFunctions.newBuilder()
                            .excludeFunctions(CelStandardFunctions.StandardFunction.MATCHES).build())
                    .addFunctionBindings(
                            CelFunctionBinding.from("matches", String.class, String.class,
                                    (value, regex) -> matches(patterns, options, value, regex)),
                            CelFunctionBinding.from("matches_string", String.class, String.class,
                                    (value, regex) -> matches(patterns, options, value, regex)))
                    .addCompilerLibraries((CelCompilerLibrary) library)
                    .addRuntimeLibraries((CelRuntimeLibrary) library)
                    .setOptions(options)
                    .build();
            evaluatorBuilder = lookup.findConstructor(builderType,
                    MethodType.methodType(void.class, Cel.class, Config.class)).invoke(cel, config);
            load = lookup.findVirtual(builderType, "load", MethodType.methodType(evaluatorType, Descriptor.class));
            compiled = lookup.findGetter(builderType, "evaluatorCache", Map.class);
            evaluate = lookup.findVirtual(evaluatorType, "evaluate",
                    MethodType.methodType(List.class, valueType, boolean.class));
            messageValue = lookup.findConstructor(Class.forName("build.buf.protovalidate.MessageValue"),
                    MethodType.methodType(void.class, Message.class));
            buildViolation = lookup.findVirtual(violationBuilderType, "build",
                    MethodType.methodType(Class.forName("build.buf.protovalidate.RuleViolation")));
        } catch (Throwable e) {
            throw new IllegalStateException("protovalidate " + Validator.class.getPackage().getImplementationVersion()
                    + " is not the version this validator was written for (1.1.0)", e);
        }
        failFast = config.isFailFast();
    }

    /** CEL's standard {@code matches} (RuntimeHelpers.matches), with the compiled pattern kept. */
    private static boolean matches(Cache<String, Pattern> patterns, CelOptions options, String value, String regex) {
        try {
            Pattern pattern = patterns.get(regex, Pattern::compile);
            int maxProgramSize = options.maxRegexProgramSize();
            if (maxProgramSize >= 0 && pattern.programSize() > maxProgramSize) {
                throw new IllegalArgumentException(String.format(
                        "Regex pattern exceeds allowed program size. Allowed: %d, Provided: %d", maxProgramSize,
                        pattern.programSize()));
            }
            return options.enableRegexPartialMatch() ? pattern.matcher(value).find() : pattern.matcher(value).matches();
        } catch (RuntimeException e) {
            throw new CelRuntimeException(e, CelErrorCode.INVALID_ARGUMENT);
        }
    }

    /** Compiles the rules of {@code type} and of the messages it contains now, so that no call waits for it. */
    public void prepare(Descriptor type) throws ValidationException {
        try {
            load.invoke(evaluatorBuilder, type);
        } catch (ValidationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the rules of {@code type} are compiled. */
    public boolean isPrepared(Descriptor type) {
        try {
            return ((Map<?, ?>) compiled.invoke(evaluatorBuilder)).containsKey(type);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ValidationResult validate(Message msg) throws ValidationException {
        if (msg == null) {
            return ValidationResult.EMPTY;
        }
        try {
            Object evaluator = load.invoke(evaluatorBuilder, msg.getDescriptorForType());
            List<?> found = (List<?>) evaluate.invoke(evaluator, messageValue.invoke(msg), failFast);
            if (found.isEmpty()) {
                return ValidationResult.EMPTY;
            }
            List<Violation> violations = new ArrayList<>(found.size());
            for (Object builder : found) {
                violations.add((Violation) buildViolation.invoke(builder));
            }
            return new ValidationResult(violations);
        } catch (ValidationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
