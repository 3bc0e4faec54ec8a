package meridian.deploy.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Renders a kustomization the way {@code kustomize build} (v5) does, for exactly the features these
 * manifests use: {@code resources} (files and directories), {@code namespace}, {@code labels} (metadata
 * only), {@code patches} (inline JSON 6902 with a kind/name/labelSelector target), {@code images},
 * {@code configMapGenerator}/{@code secretGenerator} (literals and files, with kustomize's content-hash
 * name suffix and the references to the generated names rewritten). Any other field fails the render,
 * so a manifest change that needs more cannot pass silently. Cross-checked against a real kustomize by
 * {@link KubectlCrossCheckTest} wherever kubectl is installed.
 */
public final class Kustomize {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    private static final Set<String> SUPPORTED_FIELDS = Set.of("apiVersion", "kind", "namespace", "labels",
            "resources", "configMapGenerator", "secretGenerator", "patches", "images");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "IngressClass");

    private Kustomize() {
    }

    /** One resource and whether a generator made it (and so gets a hash suffix). */
    private record Res(ObjectNode obj, boolean generated) {
    }

    /** Renders the kustomization in {@code dir}, as {@code kustomize build dir} would. */
    public static List<ObjectNode> build(Path dir) {
        List<Res> all = accumulate(dir.toAbsolutePath().normalize());
        // As kustomize: hash suffixes last, at the top level, then every reference to a renamed object follows.
        Map<String, String> renamed = new HashMap<>();
        for (Res r : all) {
            if (r.generated()) {
                String old = name(r.obj());
                String renamedTo = old + "-" + contentHash(r.obj());
                ((ObjectNode) r.obj().get("metadata")).put("name", renamedTo);
                renamed.put(kind(r.obj()) + "/" + namespace(r.obj()) + "/" + old, renamedTo);
            }
        }
        List<ObjectNode> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Res r : all) {
            fixReferences(r.obj(), renamed);
            String id = r.obj().path("apiVersion").asText() + "/" + kind(r.obj()) + "/" + namespace(r.obj()) + "/" + name(r.obj());
            if (!ids.add(id)) {
                throw new IllegalStateException("duplicate resource " + id);
            }
            out.add(r.obj());
        }
        return out;
    }

    /** The rendered objects as one multi-document YAML stream (for {@code kubectl apply -f -}). */
    public static String toYaml(List<ObjectNode> objects) {
        StringBuilder sb = new StringBuilder();
        for (ObjectNode o : objects) {
            if (!sb.isEmpty()) {
                sb.append("---\n");
            }
            try {
                sb.append(YAML.writeValueAsString(o));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sb.toString();
    }

    private static List<Res> accumulate(Path dir) {
        ObjectNode k = (ObjectNode) readYaml(kustomizationFile(dir)).getFirst();
        for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!SUPPORTED_FIELDS.contains(field)) {
                throw new UnsupportedOperationException(dir + ": kustomization field '" + field + "' is not supported by this renderer");
            }
        }
        List<Res> res = new ArrayList<>();
        for (JsonNode entry : k.path("resources")) {
            Path p = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(p)) {
                res.addAll(accumulate(p));
            } else {
                for (JsonNode doc : readYaml(p)) {
                    res.add(new Res((ObjectNode) doc, false));
                }
            }
        }
        for (JsonNode g : k.path("configMapGenerator")) {
            res.add(new Res(generate(dir, g, "ConfigMap"), true));
        }
        for (JsonNode g : k.path("secretGenerator")) {
            res.add(new Res(generate(dir, g, "Secret"), true));
        }
        // Builtin transformer order of kustomize: patches, namespace, labels, images.
        for (JsonNode patch : k.path("patches")) {
            applyPatch(dir, patch, res);
        }
        if (k.hasNonNull("namespace")) {
            String ns = k.get("namespace").asText();
            for (Res r : res) {
                if (!CLUSTER_SCOPED.contains(kind(r.obj()))) {
                    metadata(r.obj()).put("namespace", ns);
                }
            }
        }
        for (JsonNode label : k.path("labels")) {
            onlyFields(label, "labels", "pairs", "includeSelectors", "includeTemplates");
            if (label.path("includeSelectors").asBoolean(false) || label.path("includeTemplates").asBoolean(false)) {
                throw new UnsupportedOperationException(dir + ": labels with includeSelectors/includeTemplates");
            }
            for (Res r : res) {
                ObjectNode labels = metadata(r.obj()).has("labels")
                        ? (ObjectNode) metadata(r.obj()).get("labels") : metadata(r.obj()).putObject("labels");
                label.get("pairs").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode image : k.path("images")) {
            onlyFields(image, "images", "name", "newName", "newTag", "digest");
            for (Res r : res) {
                for (ObjectNode podSpec : podSpecs(r.obj())) {
                    for (String list : List.of("initContainers", "containers")) {
                        for (JsonNode c : podSpec.path(list)) {
                            setImage((ObjectNode) c, image);
                        }
                    }
                }
            }
        }
        return res;
    }

    private static Path kustomizationFile(Path dir) {
        for (String n : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new IllegalArgumentException("no kustomization in " + dir);
    }

    static List<JsonNode> readYaml(Path file) {
        try (JsonParser parser = YAML.getFactory().createParser(file.toFile())) {
            List<JsonNode> docs = new ArrayList<>();
            for (Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    private static ObjectNode generate(Path dir, JsonNode g, String kind) {
        onlyFields(g, kind + " generator", "name", "literals", "files", "type");
        ObjectNode obj = JsonNodeFactory.instance.objectNode();
        obj.put("apiVersion", "v1");
        obj.put("kind", kind);
        obj.putObject("metadata").put("name", g.get("name").asText());
        Map<String, String> data = new TreeMap<>();
        for (JsonNode lit : g.path("literals")) {
            String s = lit.asText();
            int eq = s.indexOf('=');
            String value = s.substring(eq + 1);
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            put(data, s.substring(0, eq), value);
        }
        for (JsonNode f : g.path("files")) {
            String s = f.asText();
            int eq = s.indexOf('=');
            Path p = dir.resolve(eq < 0 ? s : s.substring(eq + 1));
            try {
                put(data, eq < 0 ? p.getFileName().toString() : s.substring(0, eq), Files.readString(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        ObjectNode d = obj.putObject("data");
        if (kind.equals("Secret")) {
            obj.put("type", g.path("type").asText("Opaque"));
            data.forEach((key, v) -> d.put(key, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        } else {
            if (g.has("type")) {
                throw new UnsupportedOperationException("type on a configMapGenerator");
            }
            data.forEach(d::put);
        }
        return obj;
    }

    private static void put(Map<String, String> data, String key, String value) {
        if (data.put(key, value) != null) {
            throw new IllegalArgumentException("duplicate generator key " + key);
        }
    }

    private static void applyPatch(Path dir, JsonNode patch, List<Res> res) {
        onlyFields(patch, "patches", "target", "patch");
        JsonNode target = patch.get("target");
        onlyFields(target, "patch target", "kind", "name", "labelSelector");
        JsonNode ops;
        try {
            ops = YAML.readTree(patch.get("patch").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!ops.isArray()) {
            throw new UnsupportedOperationException(dir + ": only JSON 6902 patches (a list of operations) are supported");
        }
        int matched = 0;
        for (Res r : res) {
            if (matches(r.obj(), target)) {
                matched++;
                for (JsonNode op : ops) {
                    JsonPatch.apply(r.obj(), op);
                }
            }
        }
        if (matched == 0) {
            throw new IllegalStateException(dir + ": patch target matches nothing: " + target);
        }
    }

    private static boolean matches(ObjectNode obj, JsonNode target) {
        if (target.has("kind") && !target.get("kind").asText().equals(kind(obj))) {
            return false;
        }
        if (target.has("name") && !target.get("name").asText().equals(name(obj))) {
            return false;
        }
        if (target.has("labelSelector")) {
            for (String term : target.get("labelSelector").asText().split(",")) {
                String[] kv = term.trim().split("=", 2);
                if (kv.length != 2 || kv[0].endsWith("!")) {
                    throw new UnsupportedOperationException("labelSelector: only key=value terms: " + term);
                }
                if (!kv[1].equals(obj.path("metadata").path("labels").path(kv[0]).asText(null))) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void setImage(ObjectNode container, JsonNode image) {
        String current = container.path("image").asText();
        String nameOnly = current;
        int at = nameOnly.indexOf('@');
        if (at >= 0) {
            nameOnly = nameOnly.substring(0, at);
        }
        int colon = nameOnly.lastIndexOf(':');
        if (colon > nameOnly.lastIndexOf('/')) {
            nameOnly = nameOnly.substring(0, colon);
        }
        if (!nameOnly.equals(image.get("name").asText())) {
            return;
        }
        String suffix = current.substring(nameOnly.length());
        String newName = image.path("newName").asText(nameOnly);
        if (image.has("digest")) {
            suffix = "@" + image.get("digest").asText();
        } else if (image.has("newTag")) {
            suffix = ":" + image.get("newTag").asText();
        }
        container.put("image", newName + suffix);
    }

    /** The pod specs inside a workload (or a Pod), where images and references to ConfigMaps and Secrets live. */
    static List<ObjectNode> podSpecs(JsonNode obj) {
        List<ObjectNode> specs = new ArrayList<>();
        switch (kind(obj)) {
            case "Pod" -> specs.add((ObjectNode) obj.get("spec"));
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job" ->
                    specs.add((ObjectNode) obj.path("spec").path("template").path("spec"));
            case "CronJob" -> specs.add((ObjectNode) obj.path("spec").path("jobTemplate").path("spec").path("template").path("spec"));
            default -> {
            }
        }
        return specs;
    }

    private static void fixReferences(ObjectNode obj, Map<String, String> renamed) {
        String ns = namespace(obj);
        for (ObjectNode spec : podSpecs(obj)) {
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode c : spec.path(list)) {
                    for (JsonNode env : c.path("env")) {
                        rename(env.path("valueFrom").path("configMapKeyRef"), "name", "ConfigMap", ns, renamed);
                        rename(env.path("valueFrom").path("secretKeyRef"), "name", "Secret", ns, renamed);
                    }
                    for (JsonNode from : c.path("envFrom")) {
                        rename(from.path("configMapRef"), "name", "ConfigMap", ns, renamed);
                        rename(from.path("secretRef"), "name", "Secret", ns, renamed);
                    }
                }
            }
            for (JsonNode v : spec.path("volumes")) {
                rename(v.path("configMap"), "name", "ConfigMap", ns, renamed);
                rename(v.path("secret"), "secretName", "Secret", ns, renamed);
                for (JsonNode source : v.path("projected").path("sources")) {
                    rename(source.path("configMap"), "name", "ConfigMap", ns, renamed);
                    rename(source.path("secret"), "name", "Secret", ns, renamed);
                }
            }
            for (JsonNode s : spec.path("imagePullSecrets")) {
                rename(s, "name", "Secret", ns, renamed);
            }
        }
    }

    private static void rename(JsonNode holder, String field, String kind, String ns, Map<String, String> renamed) {
        if (holder instanceof ObjectNode o && o.has(field)) {
            String to = renamed.get(kind + "/" + ns + "/" + o.get(field).asText());
            if (to != null) {
                o.put(field, to);
            }
        }
    }

    /** kustomize's hash of a generated ConfigMap or Secret (api/hasher): sha256 of Go's JSON, first 10 hex chars, recoded. */
    static String contentHash(ObjectNode obj) {
        Map<String, JsonNode> m = new TreeMap<>();
        m.put("kind", TextNode.valueOf(kind(obj)));
        // kustomize looks the name up as one key "metadata/name", finds nothing and hashes "" (observed
        // with kustomize v5.5): content, not name, decides the suffix.
        m.put("name", TextNode.valueOf(""));
        m.put("data", obj.has("data") ? obj.get("data") : JsonNodeFactory.instance.objectNode());
        if (kind(obj).equals("Secret")) {
            m.put("type", TextNode.valueOf(obj.path("type").asText("")));
        } else if (obj.has("binaryData") && !obj.get("binaryData").isEmpty()) {
            m.put("binaryData", obj.get("binaryData"));
        }
        StringBuilder json = new StringBuilder();
        GoJson.write(json, JsonNodeFactory.instance.objectNode().setAll(m));
        String hex;
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(json.toString().getBytes(StandardCharsets.UTF_8));
            hex = java.util.HexFormat.of().formatHex(sha);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder();
        for (char c : hex.substring(0, 10).toCharArray()) {
            out.append(switch (c) {
                case '0' -> 'g';
                case '1' -> 'h';
                case '3' -> 'k';
                case 'a' -> 'm';
                case 'e' -> 't';
                default -> c;
            });
        }
        return out.toString();
    }

    private static void onlyFields(JsonNode node, String what, String... allowed) {
        Set<String> ok = Set.of(allowed);
        node.fieldNames().forEachRemaining(f -> {
            if (!ok.contains(f)) {
                throw new UnsupportedOperationException(what + ": field '" + f + "' is not supported by this renderer");
            }
        });
    }

    static String kind(JsonNode obj) {
        return obj.path("kind").asText();
    }

    static String name(JsonNode obj) {
        return obj.path("metadata").path("name").asText();
    }

    static String namespace(JsonNode obj) {
        return obj.path("metadata").path("namespace").asText("");
    }

    private static ObjectNode metadata(ObjectNode obj) {
        return obj.has("metadata") ? (ObjectNode) obj.get("metadata") : obj.putObject("metadata");
    }

    /** RFC 6902 add, replace and remove: the operations the overlays use. */
    static final class JsonPatch {
        private JsonPatch() {
        }

        static void apply(ObjectNode root, JsonNode op) {
            String kind = op.path("op").asText();
            List<String> path = pointer(op.path("path").asText());
            JsonNode parent = root;
            for (String token : path.subList(0, path.size() - 1)) {
                parent = parent.isArray() ? parent.get(Integer.parseInt(token)) : parent.get(token);
                if (parent == null) {
                    throw new IllegalArgumentException("patch path does not exist: " + op.path("path").asText());
                }
            }
            String last = path.getLast();
            switch (kind) {
                case "add" -> {
                    if (parent instanceof ArrayNode a) {
                        if (last.equals("-")) {
                            a.add(op.get("value"));
                        } else {
                            a.insert(Integer.parseInt(last), op.get("value"));
                        }
                    } else {
                        ((ObjectNode) parent).set(last, op.get("value"));
                    }
                }
                case "replace", "remove" -> {
                    boolean exists = parent instanceof ArrayNode a ? Integer.parseInt(last) < a.size() : parent.has(last);
                    if (!exists) {
                        throw new IllegalArgumentException(kind + ": path does not exist: " + op.path("path").asText());
                    }
                    if (parent instanceof ArrayNode a) {
                        if (kind.equals("remove")) {
                            a.remove(Integer.parseInt(last));
                        } else {
                            a.set(Integer.parseInt(last), op.get("value"));
                        }
                    } else if (kind.equals("remove")) {
                        ((ObjectNode) parent).remove(last);
                    } else {
                        ((ObjectNode) parent).set(last, op.get("value"));
                    }
                }
                default -> throw new UnsupportedOperationException("JSON patch op '" + kind + "'");
            }
        }

        private static List<String> pointer(String p) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("JSON pointer must start with /: " + p);
            }
            List<String> tokens = new ArrayList<>();
            for (String t : p.substring(1).split("/", -1)) {
                tokens.add(t.replace("~1", "/").replace("~0", "~"));
            }
            return tokens;
        }
    }

    /** Go's encoding/json output for maps of strings: sorted keys, compact, HTML-safe escapes. */
    static final class GoJson {
        private GoJson() {
        }

        static void write(StringBuilder sb, JsonNode n) {
            if (n.isObject()) {
                sb.append('{');
                boolean first = true;
                for (String key : new java.util.TreeSet<>(toList(n.fieldNames()))) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    string(sb, key);
                    sb.append(':');
                    write(sb, n.get(key));
                }
                sb.append('}');
            } else if (n.isTextual()) {
                string(sb, n.asText());
            } else if (n.isNull()) {
                sb.append("null");
            } else {
                // Generated data holds strings only; anything else here would hash differently from kustomize.
                throw new IllegalArgumentException("non-string value in generated data: " + n);
            }
        }

        private static List<String> toList(Iterator<String> it) {
            List<String> l = new ArrayList<>();
            it.forEachRemaining(l::add);
            return l;
        }

        private static void string(StringBuilder sb, String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }
}
