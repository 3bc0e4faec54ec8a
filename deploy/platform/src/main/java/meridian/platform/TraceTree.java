package meridian.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import meridian.platform.OtlpTraceReceiver.ReceivedSpan;

/** Renders one trace as an indented tree with per-span duration, service and the key rpc/db attributes. */
public final class TraceTree {

    private static final List<String> SHOWN_ATTRIBUTES = List.of("rpc.method", "rpc.grpc.status_code", "db.statement",
            "db.query.text", "db.operation", "db.operation.name");

    private TraceTree() {
    }

    public static String render(List<ReceivedSpan> spans) {
        if (spans.isEmpty()) {
            return "(no spans)\n";
        }
        Set<String> ids = spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        Map<String, List<ReceivedSpan>> children = spans.stream()
                .collect(Collectors.groupingBy(s -> ids.contains(s.parentSpanId()) ? s.parentSpanId() : ""));
        long origin = spans.stream().mapToLong(ReceivedSpan::startNanos).min().orElse(0);
        StringBuilder out = new StringBuilder("trace ").append(spans.get(0).traceId()).append('\n');
        for (ReceivedSpan root : sorted(children.getOrDefault("", List.of()))) {
            render(root, children, origin, "", out);
        }
        return out.toString();
    }

    private static void render(ReceivedSpan span, Map<String, List<ReceivedSpan>> children, long origin, String indent,
            StringBuilder out) {
        out.append(String.format("%s%-9s +%6.1f ms %7.2f ms  %-44s [%s]", indent, span.service(),
                (span.startNanos() - origin) / 1e6, (span.endNanos() - span.startNanos()) / 1e6,
                span.kind().name().replace("SPAN_KIND_", "") + " " + span.name(), span.spanId()));
        List<String> shown = new ArrayList<>();
        for (String key : SHOWN_ATTRIBUTES) {
            String value = span.attributes().get(key);
            if (value != null) {
                shown.add(key + "=" + (value.length() > 60 ? value.substring(0, 57) + "..." : value));
            }
        }
        if (!shown.isEmpty()) {
            out.append("  ").append(String.join(" ", shown));
        }
        out.append('\n');
        for (ReceivedSpan child : sorted(children.getOrDefault(span.spanId(), List.of()))) {
            render(child, children, origin, indent + "  ", out);
        }
    }

    private static List<ReceivedSpan> sorted(List<ReceivedSpan> spans) {
        return spans.stream().sorted(Comparator.comparingLong(ReceivedSpan::startNanos)).toList();
    }
}
