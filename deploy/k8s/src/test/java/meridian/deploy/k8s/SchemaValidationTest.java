package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every rendered object against the Kubernetes API model of fabric8 kubernetes-model (generated from the
 * Kubernetes OpenAPI schema): the apiVersion/kind must be a known API type, every field must exist in that
 * type (fabric8 keeps unknown fields in additionalProperties, so the test walks the object and fails on
 * any), scalar types must match without coercion, quantities must parse; plus the server-side validation
 * rules that the schema alone does not carry (names, labels, selectors, port names, probe handlers).
 */
class SchemaValidationTest {

    /** The API types these manifests may use; anything else fails until it is added here with its model class. */
    private static final Map<String, Class<? extends HasMetadata>> API_TYPES = Map.of(
            "v1/Namespace", Namespace.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final Pattern QUANTITY = Pattern.compile("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$");
    private static final Pattern DNS1123_LABEL = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS1035_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern LABEL_NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$");
    private static final Pattern LABEL_VALUE = Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$");
    private static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyObjectIsAKnownApiTypeWithOnlyKnownFields(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode obj : overlay.objects()) {
            problems.addAll(schemaProblems(obj));
        }
        assertThat(problems).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void everyObjectPassesTheApiServersFieldValidation(Overlay overlay) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode obj : overlay.objects()) {
            problems.addAll(apiValidationProblems(obj));
        }
        assertThat(problems).isEmpty();
    }

    /** The validator itself: it must reject what the API server rejects, or a green run means nothing. */
    @Test
    void validatorRejectsUnknownFieldsWrongTypesAndBadQuantities() throws Exception {
        ObjectNode deployment = Overlay.DEV.find("Deployment", "inventory").orElseThrow();
        assertThat(schemaProblems(deployment)).isEmpty();

        ObjectNode typo = deployment.deepCopy();
        ((ObjectNode) typo.at("/spec/template/spec/containers/0")).put("imagePulPolicy", "Always");
        assertThat(schemaProblems(typo)).anySatisfy(p -> assertThat(p).contains("imagePulPolicy"));

        ObjectNode wrongType = deployment.deepCopy();
        ((ObjectNode) wrongType.get("spec")).put("replicas", "two");
        assertThat(schemaProblems(wrongType)).isNotEmpty();

        ObjectNode badQuantity = deployment.deepCopy();
        ((ObjectNode) badQuantity.at("/spec/template/spec/containers/0/resources/limits")).put("memory", "512MB");
        assertThat(schemaProblems(badQuantity)).anySatisfy(p -> assertThat(p).contains("512MB"));

        ObjectNode unknownKind = deployment.deepCopy();
        unknownKind.put("apiVersion", "apps/v1beta1");
        assertThat(schemaProblems(unknownKind)).anySatisfy(p -> assertThat(p).contains("apps/v1beta1"));

        ObjectNode badSelector = deployment.deepCopy();
        ((ObjectNode) badSelector.at("/spec/selector/matchLabels")).put("app.kubernetes.io/name", "other");
        assertThat(apiValidationProblems(badSelector)).anySatisfy(p -> assertThat(p).contains("selector"));

        assertThatThrownBy(() -> STRICT.treeToValue(wrongType, Deployment.class)).isNotNull();
    }

    static List<String> schemaProblems(ObjectNode obj) {
        String id = obj.path("apiVersion").asText() + "/" + Kustomize.kind(obj);
        String where = id + " " + Kustomize.name(obj);
        Class<? extends HasMetadata> type = API_TYPES.get(id);
        if (type == null) {
            return List.of(where + ": no API type " + id + " known to this validator");
        }
        Object typed;
        try {
            typed = STRICT.treeToValue(obj, type);
        } catch (Exception e) {
            return List.of(where + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        walk(typed, where, problems);
        return problems;
    }

    /** Fails on every field the model did not recognise and every malformed quantity, anywhere in the object. */
    private static void walk(Object o, String path, List<String> problems) {
        if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>) {
            return;
        }
        if (o instanceof Quantity q) {
            String text = q.getAmount() + (q.getFormat() == null ? "" : q.getFormat());
            if (!QUANTITY.matcher(text).matches()) {
                problems.add(path + ": not a Kubernetes quantity: " + text);
            }
            return;
        }
        if (o instanceof IntOrString) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object item : c) {
                walk(item, path + "[" + i++ + "]", problems);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, problems));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            problems.add(path + ": unexpected value type " + o.getClass().getName());
            return;
        }
        for (Class<?> c = o.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object value;
                try {
                    value = f.get(o);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                if (f.getName().equals("additionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        problems.add(path + ": unknown field(s) " + extra.keySet());
                    }
                } else {
                    walk(value, path + "." + f.getName(), problems);
                }
            }
        }
    }

    static List<String> apiValidationProblems(ObjectNode obj) {
        List<String> problems = new ArrayList<>();
        String kind = Kustomize.kind(obj);
        String name = Kustomize.name(obj);
        String where = kind + " " + name;
        boolean subdomainNamed = Set.of("ConfigMap", "Secret", "ServiceAccount", "Deployment", "NetworkPolicy",
                "PodDisruptionBudget", "HorizontalPodAutoscaler").contains(kind);
        Pattern namePattern = kind.equals("Service") ? DNS1035_LABEL : subdomainNamed ? DNS1123_SUBDOMAIN : DNS1123_LABEL;
        if (!namePattern.matcher(name).matches() || name.length() > (subdomainNamed ? 253 : 63)) {
            problems.add(where + ": invalid name");
        }
        labels(obj.path("metadata").path("labels"), where + " metadata.labels", problems);

        if (kind.equals("Deployment") || kind.equals("StatefulSet")) {
            JsonNode template = obj.path("spec").path("template");
            labels(template.path("metadata").path("labels"), where + " template labels", problems);
            JsonNode matchLabels = obj.path("spec").path("selector").path("matchLabels");
            if (matchLabels.isEmpty()) {
                problems.add(where + ": empty selector");
            }
            matchLabels.properties().forEach(e -> {
                if (!e.getValue().equals(template.path("metadata").path("labels").path(e.getKey()))) {
                    problems.add(where + ": selector does not match template labels (" + e.getKey() + ")");
                }
            });
            Set<String> containerNames = new HashSet<>();
            for (JsonNode c : template.path("spec").path("containers")) {
                String cn = c.path("name").asText();
                if (!containerNames.add(cn) || !DNS1123_LABEL.matcher(cn).matches()) {
                    problems.add(where + ": bad or duplicate container name " + cn);
                }
                if (c.path("image").asText().isBlank()) {
                    problems.add(where + "/" + cn + ": no image");
                }
                Set<String> portNames = new HashSet<>();
                for (JsonNode p : c.path("ports")) {
                    int port = p.path("containerPort").asInt(-1);
                    if (port < 1 || port > 65535) {
                        problems.add(where + "/" + cn + ": bad containerPort " + p);
                    }
                    if (p.has("name") && (!IANA_SVC_NAME.matcher(p.get("name").asText()).matches()
                            || p.get("name").asText().length() > 15 || !portNames.add(p.get("name").asText()))) {
                        problems.add(where + "/" + cn + ": bad or duplicate port name " + p.get("name"));
                    }
                }
                for (JsonNode env : c.path("env")) {
                    if (!ENV_NAME.matcher(env.path("name").asText()).matches()) {
                        problems.add(where + "/" + cn + ": bad env name " + env.path("name"));
                    }
                    if (env.has("value") && env.has("valueFrom")) {
                        problems.add(where + "/" + cn + ": env " + env.path("name") + " has value and valueFrom");
                    }
                }
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    if (c.has(probe)) {
                        long handlers = List.of("exec", "httpGet", "tcpSocket", "grpc").stream().filter(c.get(probe)::has).count();
                        if (handlers != 1) {
                            problems.add(where + "/" + cn + ": " + probe + " needs exactly one handler");
                        }
                    }
                }
                Set<String> volumes = new HashSet<>();
                template.path("spec").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
                obj.path("spec").path("volumeClaimTemplates").forEach(v -> volumes.add(v.path("metadata").path("name").asText()));
                for (JsonNode m : c.path("volumeMounts")) {
                    if (!volumes.contains(m.path("name").asText())) {
                        problems.add(where + "/" + cn + ": volumeMount of unknown volume " + m.path("name"));
                    }
                }
            }
        }
        if (kind.equals("Service")) {
            for (JsonNode p : obj.path("spec").path("ports")) {
                if (obj.path("spec").path("ports").size() > 1 && !p.has("name")) {
                    problems.add(where + ": ports must be named when there are several");
                }
            }
        }
        if (kind.equals("PodDisruptionBudget") && obj.path("spec").has("minAvailable") == obj.path("spec").has("maxUnavailable")) {
            problems.add(where + ": exactly one of minAvailable and maxUnavailable");
        }
        if (kind.equals("HorizontalPodAutoscaler")
                && obj.path("spec").path("minReplicas").asInt(1) > obj.path("spec").path("maxReplicas").asInt()) {
            problems.add(where + ": minReplicas > maxReplicas");
        }
        return problems;
    }

    private static void labels(JsonNode labels, String where, List<String> problems) {
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            int slash = key.indexOf('/');
            String prefix = slash < 0 ? null : key.substring(0, slash);
            String label = slash < 0 ? key : key.substring(slash + 1);
            boolean ok = LABEL_NAME.matcher(label).matches() && label.length() <= 63
                    && (prefix == null || DNS1123_SUBDOMAIN.matcher(prefix).matches())
                    && e.getValue().isTextual() && LABEL_VALUE.matcher(e.getValue().asText()).matches()
                    && e.getValue().asText().length() <= 63;
            if (!ok) {
                problems.add(where + ": invalid label " + key + "=" + e.getValue());
            }
        }
    }
}
