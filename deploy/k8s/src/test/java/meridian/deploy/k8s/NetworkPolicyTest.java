package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Evaluates the rendered NetworkPolicies the way the Kubernetes NetworkPolicy semantics define them (a pod
 * selected by any policy of a direction is isolated in that direction; a connection needs both the
 * sender's egress and the receiver's ingress to allow it) for every pair of pods and port, and compares
 * the connections that come out with exactly the ones the platform needs.
 */
class NetworkPolicyTest {

    /** A pod somewhere in the cluster, with the ports it listens on. */
    private record Pod(String name, String namespace, Map<String, String> labels, List<String> ports) {
    }

    private static final Set<String> EXPECTED = Set.of(
            "orders -> inventory:8081/TCP",
            "orders -> pricing:8082/TCP",
            "inventory -> postgres:5432/TCP",
            "pricing -> postgres:5432/TCP",
            "orders -> postgres:5432/TCP",
            "inventory -> otel-collector:4317/TCP",
            "pricing -> otel-collector:4317/TCP",
            "orders -> otel-collector:4317/TCP",
            "otel-collector -> jaeger:4317/TCP",
            // Orders is the entry point, for callers labelled as API clients (in any namespace).
            "api-client -> orders:8083/TCP");

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void onlyTheNeededConnectionsAreAllowed(Overlay overlay) {
        List<Pod> pods = new ArrayList<>();
        for (ObjectNode w : overlay.workloads()) {
            List<String> ports = new ArrayList<>();
            for (JsonNode c : Overlay.podSpec(w).path("containers")) {
                c.path("ports").forEach(p -> ports.add(p.path("containerPort").asInt() + "/" + p.path("protocol").asText("TCP")));
            }
            pods.add(new Pod(Kustomize.name(w), overlay.namespace, labels(Overlay.podLabels(w)), ports));
        }
        pods.add(new Pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"), List.of("53/UDP", "53/TCP")));
        pods.add(new Pod("api-client", "clients", Map.of("meridian.io/api-client", "true"), List.of("8080/TCP")));
        pods.add(new Pod("stranger", "elsewhere", Map.of("app", "stranger"), List.of("443/TCP", "5432/TCP")));
        // A pod in the same namespace that nobody declared a connection for (e.g. a debug pod).
        pods.add(new Pod("intruder", overlay.namespace, Map.of("app", "intruder"), List.of("8080/TCP")));

        List<ObjectNode> policies = overlay.ofKind("NetworkPolicy");
        Set<String> allowed = new TreeSet<>();
        Set<String> dns = new TreeSet<>();
        // Each side on its own too, so that one loose policy is not hidden by a strict one on the other side.
        Set<String> ingressAlone = new TreeSet<>();
        Set<String> egressAlone = new TreeSet<>();
        for (Pod src : pods) {
            for (Pod dst : pods) {
                // Only connections that touch the platform's namespace are its policies' business.
                if (src == dst || !src.namespace().equals(overlay.namespace) && !dst.namespace().equals(overlay.namespace)) {
                    continue;
                }
                for (String port : dst.ports()) {
                    String edge = src.name() + " -> " + dst.name() + ":" + port;
                    boolean egress = allows(policies, src, dst, port, "Egress");
                    boolean ingress = allows(policies, src, dst, port, "Ingress");
                    if (ingress && dst.namespace().equals(overlay.namespace)) {
                        ingressAlone.add(edge);
                    }
                    if (egress && src.namespace().equals(overlay.namespace) && !dst.name().equals("kube-dns")) {
                        egressAlone.add(edge);
                    }
                    if (egress && ingress) {
                        (dst.name().equals("kube-dns") ? dns : allowed).add(edge);
                    }
                }
            }
        }
        assertThat(allowed).containsExactlyInAnyOrderElementsOf(EXPECTED);
        assertThat(ingressAlone).as("ingress policies alone").containsExactlyInAnyOrderElementsOf(EXPECTED);
        assertThat(egressAlone).as("egress policies alone")
                .containsExactlyInAnyOrderElementsOf(EXPECTED.stream().filter(e -> !e.startsWith("api-client")).toList());
        // Every pod of the platform resolves names (and, by the line above, the intruder reaches nothing else).
        for (ObjectNode w : overlay.workloads()) {
            assertThat(dns).contains(Kustomize.name(w) + " -> kube-dns:53/UDP", Kustomize.name(w) + " -> kube-dns:53/TCP");
        }
    }

    /** Whether the policies of the side that owns this direction let the connection through. */
    private static boolean allows(List<ObjectNode> policies, Pod src, Pod dst, String port, String direction) {
        Pod owner = direction.equals("Egress") ? src : dst;
        Pod peer = direction.equals("Egress") ? dst : src;
        boolean isolated = false;
        for (ObjectNode policy : policies) {
            if (!Kustomize.namespace(policy).equals(owner.namespace())
                    || !selects(policy.at("/spec/podSelector"), owner.labels())
                    || !policyTypes(policy).contains(direction)) {
                continue;
            }
            isolated = true;
            for (JsonNode rule : policy.at("/spec/" + direction.toLowerCase())) {
                JsonNode peers = rule.path(direction.equals("Egress") ? "to" : "from");
                boolean peerOk = peers.isMissingNode() || peers.isEmpty();
                for (JsonNode p : peers) {
                    peerOk |= peerMatches(p, Kustomize.namespace(policy), peer);
                }
                boolean portOk = rule.path("ports").isMissingNode() || rule.path("ports").isEmpty();
                for (JsonNode p : rule.path("ports")) {
                    portOk |= (p.path("port").asInt() + "/" + p.path("protocol").asText("TCP")).equals(port);
                }
                if (peerOk && portOk) {
                    return true;
                }
            }
        }
        return !isolated;
    }

    private static Set<String> policyTypes(JsonNode policy) {
        Set<String> types = new TreeSet<>();
        policy.at("/spec/policyTypes").forEach(t -> types.add(t.asText()));
        if (types.isEmpty()) {
            types.add("Ingress");
            if (policy.at("/spec/egress").isArray()) {
                types.add("Egress");
            }
        }
        return types;
    }

    private static boolean peerMatches(JsonNode peer, String policyNamespace, Pod pod) {
        if (peer.has("ipBlock")) {
            throw new UnsupportedOperationException("ipBlock peers are not evaluated by this test");
        }
        boolean namespaceOk = peer.has("namespaceSelector")
                ? selects(peer.get("namespaceSelector"), Map.of("kubernetes.io/metadata.name", pod.namespace()))
                : pod.namespace().equals(policyNamespace);
        boolean podOk = !peer.has("podSelector") || selects(peer.get("podSelector"), pod.labels());
        return namespaceOk && podOk;
    }

    private static boolean selects(JsonNode selector, Map<String, String> labels) {
        if (selector.has("matchExpressions")) {
            throw new UnsupportedOperationException("matchExpressions are not evaluated by this test");
        }
        for (var e : selector.path("matchLabels").properties()) {
            if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> m = new java.util.HashMap<>();
        (node == null ? JsonNodeFactory.instance.objectNode() : node).properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
