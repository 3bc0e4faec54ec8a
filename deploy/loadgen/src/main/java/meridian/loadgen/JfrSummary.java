package meridian.loadgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a service's CPU time goes, from the execution samples of a JFR recording (the text of
 * {@code jfr print --events jdk.ExecutionSample}): the share of samples in which each layer of the stack appears
 * (inclusive, so shares overlap) and the methods most often on top of the stack (self time).
 */
final class JfrSummary {

    /** Layers by package prefix, in the order they are listed. */
    private static final Map<String, List<String>> LAYERS = new LinkedHashMap<>();

    static {
        LAYERS.put("Meridian code", List.of("meridian."));
        LAYERS.put("request validation (protovalidate, CEL)", List.of("build.buf.", "dev.cel.", "org.projectnessie.cel."));
        LAYERS.put("Hibernate ORM, Panache", List.of("org.hibernate.", "io.quarkus.hibernate."));
        LAYERS.put("PostgreSQL JDBC driver", List.of("org.postgresql."));
        LAYERS.put("connection pool (Agroal)", List.of("io.agroal."));
        LAYERS.put("transactions (Narayana)", List.of("com.arjuna.", "io.quarkus.narayana."));
        LAYERS.put("tracing (OpenTelemetry)", List.of("io.opentelemetry.", "io.quarkus.opentelemetry."));
        LAYERS.put("metrics (Micrometer)", List.of("io.micrometer.", "io.quarkus.micrometer."));
        LAYERS.put("logging", List.of("org.jboss.logmanager.", "org.jboss.logging."));
        LAYERS.put("gRPC stack (grpc-java, Quarkus gRPC)", List.of("io.grpc.", "io.quarkus.grpc."));
        LAYERS.put("Vert.x, Netty (network, event loop)", List.of("io.vertx.", "io.netty.", "io.grpc.netty."));
        LAYERS.put("protobuf (de)serialisation", List.of("com.google.protobuf."));
        LAYERS.put("Mutiny, context propagation", List.of("io.smallrye.mutiny.", "io.smallrye.context."));
        LAYERS.put("CDI (ArC)", List.of("io.quarkus.arc."));
    }

    private JfrSummary() {
    }

    private static String layerOf(String frame) {
        for (Map.Entry<String, List<String>> layer : LAYERS.entrySet()) {
            if (layer.getValue().stream().anyMatch(frame::startsWith)) {
                return layer.getKey();
            }
        }
        return null;
    }

    static String summarise(String jfrPrintOutput, int topMethods) {
        int samples = 0;
        Map<String, Integer> layerCounts = new HashMap<>();
        Map<String, Integer> selfCounts = new HashMap<>();
        Map<String, Integer> selfLayers = new HashMap<>();
        List<String> stack = new ArrayList<>();
        boolean inStack = false;
        for (String raw : jfrPrintOutput.split("\n")) {
            String line = raw.strip();
            if (line.startsWith("stackTrace = [")) {
                inStack = true;
                stack.clear();
            } else if (inStack && line.startsWith("]")) {
                inStack = false;
                samples++;
                if (!stack.isEmpty()) {
                    selfCounts.merge(stack.get(0), 1, Integer::sum);
                }
                selfLayers.merge(stack.stream().map(JfrSummary::layerOf).filter(l -> l != null).findFirst()
                        .orElse("JDK and other libraries only"), 1, Integer::sum);
                Set<String> layers = new LinkedHashSet<>();
                for (String frame : stack) {
                    LAYERS.forEach((layer, prefixes) -> {
                        if (prefixes.stream().anyMatch(frame::startsWith)) {
                            layers.add(layer);
                        }
                    });
                }
                layers.forEach(l -> layerCounts.merge(l, 1, Integer::sum));
            } else if (inStack && !line.equals("...")) {
                int paren = line.indexOf('(');
                stack.add(paren > 0 ? line.substring(0, paren) : line);
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d execution samples (stacks cut at 64 frames)%n%nshare of samples with the layer on the stack:%n", samples));
        int total = Math.max(1, samples);
        LAYERS.keySet().stream().filter(layerCounts::containsKey)
                .sorted((a, b) -> layerCounts.get(b) - layerCounts.get(a))
                .forEach(l -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * layerCounts.get(l) / total, l)));
        out.append(String.format(Locale.ROOT,
                "%nself time by layer (the layer of the topmost frame that has one; adds up to 100 %%):%n"));
        selfLayers.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .forEach(e -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey())));
        out.append(String.format(Locale.ROOT, "%nmethods on top of the stack (self):%n"));
        selfCounts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(topMethods)
                .forEach(e -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey())));
        return out.toString();
    }
}
