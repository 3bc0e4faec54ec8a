package meridian.conventions.errors;

import com.google.protobuf.ProtocolMessageEnum;

/** The ErrorInfo reason of a contract's ErrorReason value: its name without "ERROR_REASON_". */
public final class ErrorReasons {

    private static final String PREFIX = "ERROR_REASON_";

    private ErrorReasons() {
    }

    public static String of(ProtocolMessageEnum reason) {
        String name = reason.getValueDescriptor().getName();
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }
}
