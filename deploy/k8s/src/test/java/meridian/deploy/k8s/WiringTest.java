package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The objects of each rendered overlay fit together: probes, Services, env, references, hardening. */
class WiringTest {

    /** The three gRPC services: Deployment name to the port they serve gRPC and HTTP on and their gRPC health service name. */
    private static final Map<String, Service> SERVICES = Map.of(
            "inventory", new Service(8081, "meridian.inventory.v1.InventoryService"),
            "pricing", new Service(8082, "meridian.pricing.v1.PricingService"),
            "orders", new Service(8083, "meridian.orders.v1.OrdersService"));

    private record Service(int port, String grpcHealthService) {
    }

    /**
     * Every environment variable each service reads. Mirrors the application.properties of each service
     * (inventory/, pricing/, orders/ src/main/resources): keep the two in step.
     */
    private static final Map<String, List<String>> ENV_READ = Map.of(
            "inventory", List.of("INVENTORY_DB_URL", "INVENTORY_DB_USER", "INVENTORY_DB_PASSWORD", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            "pricing", List.of("PRICING_DB_URL", "PRICING_DB_USER", "PRICING_DB_PASSWORD", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            "orders", List.of("ORDERS_DB_URL", "ORDERS_DB_USER", "ORDERS_DB_PASSWORD", "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "INVENTORY_HOST", "INVENTORY_PORT", "PRICING_HOST", "PRICING_PORT",
                    "QUARKUS_GRPC_CLIENTS_INVENTORY_NAME_RESOLVER", "QUARKUS_GRPC_CLIENTS_INVENTORY_LOAD_BALANCING_POLICY",
                    "QUARKUS_GRPC_CLIENTS_PRICING_NAME_RESOLVER", "QUARKUS_GRPC_CLIENTS_PRICING_LOAD_BALANCING_POLICY"));

    /** Secrets that prod does not render (created out of band, README "Secrets"), with the keys they must hold. */
    private static final Map<String, Set<String>> PROD_EXTERNAL_SECRETS = Map.of(
            "inventory-db", Set.of("username", "password"),
            "pricing-db", Set.of("username", "password"),
            "orders-db", Set.of("username", "password"),
            "postgres-superuser", Set.of("username", "password"));

    private static final Set<String> QUARKUS_HEALTH_PATHS = Set.of("/q/health/live", "/q/health/ready", "/q/health/started", "/q/health");

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyProbePointsAtARealPortAndTheRightHealthService(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode w : overlay.workloads()) {
            Service svc = SERVICES.get(Kustomize.name(w));
            for (JsonNode c : Overlay.podSpec(w).path("containers")) {
                String where = Kustomize.name(w) + "/" + c.path("name").asText();
                for (String probeName : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    JsonNode probe = c.path(probeName);
                    if (probe.isMissingNode()) {
                        if (svc != null) {
                            problems.add(where + ": no " + probeName);
                        }
                        continue;
                    }
                    for (String handler : List.of("grpc", "httpGet", "tcpSocket")) {
                        if (probe.has(handler) && containerPort(c, probe.get(handler).get("port")).isEmpty()) {
                            problems.add(where + " " + probeName + ": port " + probe.get(handler).get("port") + " is not a container port");
                        }
                    }
                    if (svc != null) {
                        // The services' probes use the gRPC health protocol with their own service name.
                        if (!probe.has("grpc")) {
                            problems.add(where + " " + probeName + ": not a gRPC probe");
                        } else {
                            if (probe.get("grpc").path("port").asInt() != svc.port()) {
                                problems.add(where + " " + probeName + ": gRPC port is not " + svc.port());
                            }
                            if (!svc.grpcHealthService().equals(probe.get("grpc").path("service").asText())) {
                                problems.add(where + " " + probeName + ": gRPC health service is not " + svc.grpcHealthService());
                            }
                        }
                        if (probe.has("httpGet") && !QUARKUS_HEALTH_PATHS.contains(probe.get("httpGet").path("path").asText())) {
                            problems.add(where + " " + probeName + ": not a Quarkus health path");
                        }
                    }
                }
                if (svc != null && containerPort(c, c.path("ports").path(0).path("containerPort")).orElse(-1) != svc.port()) {
                    problems.add(where + ": does not expose port " + svc.port());
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyServiceSelectsAWorkloadOnARealPort(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode s : overlay.ofKind("Service")) {
            List<ObjectNode> selected = selectedWorkloads(overlay, s);
            if (selected.size() != 1) {
                problems.add("Service " + Kustomize.name(s) + " selects " + selected.size() + " workloads");
                continue;
            }
            for (JsonNode port : s.path("spec").path("ports")) {
                JsonNode target = port.has("targetPort") ? port.get("targetPort") : port.get("port");
                boolean found = false;
                for (JsonNode c : Overlay.podSpec(selected.getFirst()).path("containers")) {
                    found |= containerPort(c, target).filter(p -> !target.isInt() || p == target.asInt()).isPresent();
                }
                if (!found) {
                    problems.add("Service " + Kustomize.name(s) + " port " + port.path("name").asText() + ": no container port " + target);
                }
            }
        }
        for (String name : SERVICES.keySet()) {
            ObjectNode s = overlay.find("Service", name).orElseThrow();
            // Headless: DNS gives the gRPC client every pod, so round_robin balances per call, not per connection.
            assertThat(s.at("/spec/clusterIP").asText()).as("Service %s clusterIP", name).isEqualTo("None");
            assertThat(selectedWorkloads(overlay, s)).extracting(Kustomize::name).containsExactly(name);
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyEnvVarAServiceReadsIsSet(Overlay overlay) {
        for (var entry : ENV_READ.entrySet()) {
            Map<String, Optional<String>> env = environment(overlay, overlay.find("Deployment", entry.getKey()).orElseThrow());
            assertThat(env).as("env of %s", entry.getKey()).containsKeys(entry.getValue().toArray(String[]::new));
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void settingsPointAtTheServicesThatServeThem(Overlay overlay) {
        Map<String, Optional<String>> orders = environment(overlay, overlay.find("Deployment", "orders").orElseThrow());
        for (String dep : List.of("inventory", "pricing")) {
            String prefix = dep.toUpperCase();
            String host = orders.get(prefix + "_HOST").orElseThrow();
            int port = Integer.parseInt(orders.get(prefix + "_PORT").orElseThrow());
            ObjectNode svc = overlay.find("Service", host).orElseThrow(() -> new AssertionError("no Service " + host));
            assertThat(svc.at("/spec/clusterIP").asText()).isEqualTo("None");
            assertThat(selectedWorkloads(overlay, svc)).extracting(Kustomize::name).containsExactly(dep);
            assertThat(port).isEqualTo(SERVICES.get(dep).port());
            assertThat(orders.get("QUARKUS_GRPC_CLIENTS_" + prefix + "_NAME_RESOLVER")).contains("dns");
            assertThat(orders.get("QUARKUS_GRPC_CLIENTS_" + prefix + "_LOAD_BALANCING_POLICY")).contains("round_robin");
        }
        for (String name : SERVICES.keySet()) {
            Map<String, Optional<String>> env = environment(overlay, overlay.find("Deployment", name).orElseThrow());
            URI otlp = URI.create(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").orElseThrow());
            assertServed(overlay, otlp.getHost(), otlp.getPort(), "otel-collector");
            // jdbc:postgresql://host:port/db: each service its own database.
            URI db = URI.create(env.get(name.toUpperCase() + "_DB_URL").orElseThrow().substring("jdbc:".length()));
            assertServed(overlay, db.getHost(), db.getPort(), "postgres");
            assertThat(db.getPath()).isEqualTo("/" + name);
        }
        // The collector exports to the Jaeger the overlay deploys, and listens where the services send.
        ObjectNode collectorConfig = overlay.ofKind("ConfigMap").stream()
                .filter(c -> Kustomize.name(c).startsWith("otel-collector-config-")).findFirst().orElseThrow();
        JsonNode config = readYaml(collectorConfig.at("/data/config.yaml").asText());
        String[] jaeger = config.at("/exporters/otlp~1jaeger/endpoint").asText().split(":");
        assertServed(overlay, jaeger[0], Integer.parseInt(jaeger[1]), "jaeger");
        assertThat(config.at("/receivers/otlp/protocols/grpc/endpoint").asText()).endsWith(":4317");
        assertThat(config.at("/service/pipelines/traces/exporters").toString()).contains("otlp/jaeger");
        // Jaeger v2's built-in config listens on localhost unless told otherwise: unreachable for the collector.
        assertThat(environment(overlay, overlay.find("Deployment", "jaeger").orElseThrow()).get("JAEGER_LISTEN_HOST")).contains("0.0.0.0");
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void postgresCreatesTheRolesTheServicesLogInWith(Overlay overlay) {
        ObjectNode postgres = overlay.find("StatefulSet", "postgres").orElseThrow();
        JsonNode pgEnv = Overlay.podSpec(postgres).path("containers").path(0).path("env");
        for (String name : SERVICES.keySet()) {
            JsonNode svcEnv = overlay.find("Deployment", name).orElseThrow().at("/spec/template/spec/containers/0/env");
            for (String suffix : List.of("_DB_USER", "_DB_PASSWORD")) {
                String var = name.toUpperCase() + suffix;
                assertThat(envEntry(pgEnv, var).path("valueFrom")).as("postgres %s", var)
                        .isEqualTo(envEntry(svcEnv, var).path("valueFrom"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyConfigMapAndSecretReferenceResolves(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode w : overlay.workloads()) {
            JsonNode spec = Overlay.podSpec(w);
            for (JsonNode c : spec.path("containers")) {
                for (JsonNode e : c.path("env")) {
                    JsonNode cm = e.path("valueFrom").path("configMapKeyRef");
                    JsonNode sec = e.path("valueFrom").path("secretKeyRef");
                    if (!cm.isMissingNode() && lookup(overlay, "ConfigMap", cm.path("name").asText(), cm.path("key").asText()).isEmpty()) {
                        problems.add(Kustomize.name(w) + ": " + e.path("name").asText() + " -> missing ConfigMap key " + cm);
                    }
                    if (!sec.isMissingNode() && !secretKeyExists(overlay, sec.path("name").asText(), sec.path("key").asText())) {
                        problems.add(Kustomize.name(w) + ": " + e.path("name").asText() + " -> missing Secret key " + sec);
                    }
                }
                for (JsonNode from : c.path("envFrom")) {
                    if (from.has("configMapRef") && overlay.find("ConfigMap", from.at("/configMapRef/name").asText()).isEmpty()) {
                        problems.add(Kustomize.name(w) + ": envFrom missing ConfigMap " + from);
                    }
                    if (from.has("secretRef")) {
                        problems.add(Kustomize.name(w) + ": envFrom a whole Secret: reference keys one by one");
                    }
                }
            }
            for (JsonNode v : spec.path("volumes")) {
                if (v.has("configMap") && overlay.find("ConfigMap", v.at("/configMap/name").asText()).isEmpty()) {
                    problems.add(Kustomize.name(w) + ": volume of missing ConfigMap " + v);
                }
            }
            String sa = spec.path("serviceAccountName").asText();
            if (overlay.find("ServiceAccount", sa).isEmpty()) {
                problems.add(Kustomize.name(w) + ": missing ServiceAccount " + sa);
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void noSecretInAConfigMapAndNoneFromGitInProd(Overlay overlay) {
        List<String> secretValues = new ArrayList<>();
        for (ObjectNode s : overlay.ofKind("Secret")) {
            // Passwords, not user names (a user name may well equal a database name in a URL).
            s.path("data").properties().stream().filter(e -> e.getKey().equals("password"))
                    .forEach(e -> secretValues.add(new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        }
        for (ObjectNode cm : overlay.ofKind("ConfigMap")) {
            cm.path("data").properties().forEach(e -> {
                assertThat(e.getKey()).as("ConfigMap %s key", Kustomize.name(cm)).doesNotContainIgnoringCase("password")
                        .doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("token");
                for (String secret : secretValues) {
                    if (secret.length() > 8) {
                        assertThat(e.getValue().asText()).as("ConfigMap %s/%s", Kustomize.name(cm), e.getKey()).doesNotContain(secret);
                    }
                }
            });
        }
        for (ObjectNode w : overlay.workloads()) {
            for (JsonNode c : Overlay.podSpec(w).path("containers")) {
                for (JsonNode e : c.path("env")) {
                    if (e.path("name").asText().matches(".*(PASSWORD|SECRET|TOKEN).*")) {
                        assertThat(e.at("/valueFrom/secretKeyRef").isMissingNode())
                                .as("%s env %s must come from a Secret", Kustomize.name(w), e.path("name").asText()).isFalse();
                    }
                }
            }
        }
        if (overlay == Overlay.PROD) {
            assertThat(overlay.ofKind("Secret")).as("prod Secrets come from outside git").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyPodRunsNonRootReadOnlyWithoutCapabilitiesAndWithBoundedResources(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode w : overlay.workloads()) {
            JsonNode spec = Overlay.podSpec(w);
            String name = Kustomize.name(w);
            check(problems, spec.at("/securityContext/runAsNonRoot").asBoolean(), name + ": runAsNonRoot");
            check(problems, spec.at("/securityContext/runAsUser").asInt(0) > 0, name + ": numeric non-root runAsUser");
            check(problems, "RuntimeDefault".equals(spec.at("/securityContext/seccompProfile/type").asText()), name + ": seccomp RuntimeDefault");
            check(problems, !spec.path("automountServiceAccountToken").asBoolean(true), name + ": no service account token");
            check(problems, !spec.path("hostNetwork").asBoolean(false) && !spec.path("hostPID").asBoolean(false), name + ": no host namespaces");
            for (JsonNode c : spec.path("containers")) {
                String where = name + "/" + c.path("name").asText();
                JsonNode sc = c.path("securityContext");
                check(problems, sc.path("readOnlyRootFilesystem").asBoolean(), where + ": readOnlyRootFilesystem");
                check(problems, sc.has("allowPrivilegeEscalation") && !sc.path("allowPrivilegeEscalation").asBoolean(), where + ": allowPrivilegeEscalation false");
                check(problems, sc.at("/capabilities/drop").toString().contains("\"ALL\"") && sc.at("/capabilities/add").isMissingNode(), where + ": drop ALL capabilities");
                check(problems, !sc.path("privileged").asBoolean(false), where + ": not privileged");
                String image = c.path("image").asText();
                check(problems, image.matches(".+:[A-Za-z0-9_.-]+$") && !image.endsWith(":latest"), where + ": pinned image tag: " + image);
                for (String res : List.of("cpu", "memory")) {
                    JsonNode req = c.at("/resources/requests/" + res);
                    JsonNode lim = c.at("/resources/limits/" + res);
                    if (req.isMissingNode() || lim.isMissingNode()) {
                        problems.add(where + ": " + res + " request and limit");
                    } else {
                        check(problems, Quantity.getAmountInBytes(new Quantity(req.asText()))
                                .compareTo(Quantity.getAmountInBytes(new Quantity(lim.asText()))) <= 0, where + ": " + res + " request <= limit");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyServiceHasADisruptionBudgetAnAutoscalerAndAGracefulStop(Overlay overlay) {
        for (String name : SERVICES.keySet()) {
            ObjectNode d = overlay.find("Deployment", name).orElseThrow();
            ObjectNode pdb = overlay.find("PodDisruptionBudget", name).orElseThrow();
            assertThat(d.at("/spec/template/metadata/labels").properties())
                    .as("PDB selector matches %s pods", name).containsAll(pdb.at("/spec/selector/matchLabels").properties());
            ObjectNode hpa = overlay.find("HorizontalPodAutoscaler", name).orElseThrow();
            assertThat(hpa.at("/spec/scaleTargetRef/kind").asText()).isEqualTo("Deployment");
            assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo(name);
            int replicas = d.at("/spec/replicas").asInt();
            assertThat(replicas).isBetween(hpa.at("/spec/minReplicas").asInt(), hpa.at("/spec/maxReplicas").asInt());
            // The HPA scales on CPU utilisation, which is a percentage of the CPU request.
            assertThat(d.at("/spec/template/spec/containers/0/resources/requests/cpu").isMissingNode()).isFalse();
            // Rolling updates never drop below the wanted replicas.
            assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
            int preStop = d.at("/spec/template/spec/containers/0/lifecycle/preStop/sleep/seconds").asInt();
            assertThat(preStop).as("%s preStop sleep", name).isPositive();
            assertThat(d.at("/spec/template/spec/terminationGracePeriodSeconds").asInt()).isGreaterThan(preStop + 30);
        }
        if (overlay == Overlay.PROD) {
            assertThat(overlay.find("Deployment", "orders").orElseThrow().at("/spec/replicas").asInt()).isGreaterThanOrEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void servicesRunTheOverlaysImagesFromTheRegistry(Overlay overlay) {
        for (String name : SERVICES.keySet()) {
            String image = overlay.find("Deployment", name).orElseThrow().at("/spec/template/spec/containers/0/image").asText();
            // Dev runs the JVM image (Dockerfile.jvm), prod the native one (Dockerfile.native-micro).
            assertThat(image).isEqualTo("registry.example.com/meridian/" + name + (overlay == Overlay.DEV ? ":0.1.0-jvm" : ":0.1.0"));
        }
        assertThat(overlay.objects()).allSatisfy(o -> {
            if (!Kustomize.kind(o).equals("Namespace")) {
                assertThat(Kustomize.namespace(o)).isEqualTo(overlay.namespace);
            }
        });
        assertThat(overlay.find("Namespace", overlay.namespace).orElseThrow()
                .at("/metadata/labels/pod-security.kubernetes.io~1enforce").asText()).isEqualTo("restricted");
    }

    // ---- helpers

    private static void check(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }

    /** A container port by number or by name; empty when the container has no such port. */
    private static Optional<Integer> containerPort(JsonNode container, JsonNode port) {
        for (JsonNode p : container.path("ports")) {
            if (port.isInt() ? p.path("containerPort").asInt() == port.asInt() : p.path("name").asText().equals(port.asText())) {
                return Optional.of(p.path("containerPort").asInt());
            }
        }
        return Optional.empty();
    }

    private static List<ObjectNode> selectedWorkloads(Overlay overlay, JsonNode service) {
        JsonNode selector = service.at("/spec/selector");
        if (selector.isMissingNode() || selector.isEmpty()) {
            return List.of();
        }
        return overlay.workloads().stream().filter(w -> {
            JsonNode labels = Overlay.podLabels(w);
            for (var e : selector.properties()) {
                if (!e.getValue().equals(labels.path(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    /** Asserts that host:port is a Service in the overlay whose port reaches a container of the named workload. */
    private static void assertServed(Overlay overlay, String host, int port, String workload) {
        String serviceName = host.split("\\.")[0];
        ObjectNode svc = overlay.find("Service", serviceName).orElseThrow(() -> new AssertionError("no Service " + host));
        assertThat(selectedWorkloads(overlay, svc)).extracting(Kustomize::name).as("Service %s", serviceName).containsExactly(workload);
        boolean served = false;
        for (JsonNode p : svc.at("/spec/ports")) {
            served |= p.path("port").asInt() == port;
        }
        assertThat(served).as("Service %s serves port %d", serviceName, port).isTrue();
    }

    /** Every env var a container gets: name to its literal value when known (from value or a ConfigMap), else empty (from a Secret). */
    private static Map<String, Optional<String>> environment(Overlay overlay, ObjectNode workload) {
        Map<String, Optional<String>> env = new HashMap<>();
        JsonNode c = Overlay.podSpec(workload).path("containers").path(0);
        for (JsonNode from : c.path("envFrom")) {
            overlay.find("ConfigMap", from.at("/configMapRef/name").asText())
                    .ifPresent(cm -> cm.path("data").properties().forEach(e -> env.put(e.getKey(), Optional.of(e.getValue().asText()))));
        }
        for (JsonNode e : c.path("env")) {
            String name = e.path("name").asText();
            if (e.has("value")) {
                env.put(name, Optional.of(e.get("value").asText()));
            } else if (e.at("/valueFrom/configMapKeyRef").isObject()) {
                lookup(overlay, "ConfigMap", e.at("/valueFrom/configMapKeyRef/name").asText(), e.at("/valueFrom/configMapKeyRef/key").asText())
                        .ifPresent(v -> env.put(name, Optional.of(v)));
            } else if (e.at("/valueFrom/secretKeyRef").isObject()
                    && secretKeyExists(overlay, e.at("/valueFrom/secretKeyRef/name").asText(), e.at("/valueFrom/secretKeyRef/key").asText())) {
                env.put(name, Optional.empty());
            }
        }
        return env;
    }

    private static JsonNode envEntry(JsonNode env, String name) {
        for (JsonNode e : env) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no env " + name);
    }

    private static Optional<String> lookup(Overlay overlay, String kind, String name, String key) {
        return overlay.find(kind, name).map(o -> o.path("data").path(key)).filter(JsonNode::isTextual).map(JsonNode::asText);
    }

    private static boolean secretKeyExists(Overlay overlay, String name, String key) {
        if (overlay.find("Secret", name).map(s -> s.path("data").has(key)).orElse(false)) {
            return true;
        }
        return overlay == Overlay.PROD && PROD_EXTERNAL_SECRETS.getOrDefault(name, Set.of()).contains(key);
    }

    private static JsonNode readYaml(String text) {
        try {
            return Kustomize.YAML.readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
