package meridian.platform;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.grpc.Metadata;
import meridian.platform.OtlpTraceReceiver.ReceivedSpan;

/** Starting traces from a test (W3C traceparent headers) and walking the span trees the receiver collected. */
final class TestTraces {

    private static final SecureRandom RANDOM = new SecureRandom();

    private TestTraces() {
    }

    static String newTraceId() {
        return randomHex(16);
    }

    /** Headers that make the called service continue trace {@code traceId} (sampled). */
    static Metadata traceparent(String traceId) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                "00-" + traceId + "-" + randomHex(8) + "-01");
        return headers;
    }

    static Map<String, ReceivedSpan> byId(List<ReceivedSpan> spans) {
        return spans.stream().collect(Collectors.toMap(ReceivedSpan::spanId, Function.identity(), (a, b) -> a));
    }

    static boolean descendsFrom(ReceivedSpan span, ReceivedSpan ancestor, Map<String, ReceivedSpan> byId) {
        ReceivedSpan current = span;
        for (int depth = 0; depth < 50 && current != null; depth++) {
            if (current.parentSpanId().equals(ancestor.spanId())) {
                return true;
            }
            current = byId.get(current.parentSpanId());
        }
        return false;
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
