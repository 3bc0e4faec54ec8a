package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The overlays that are deployed, each rendered once per test run. */
enum Overlay {
    DEV("overlays/dev", "meridian-dev"),
    PROD("overlays/prod", "meridian");

    private static final Map<Overlay, List<ObjectNode>> RENDERED = new ConcurrentHashMap<>();

    final Path dir;
    final String namespace;

    Overlay(String dir, String namespace) {
        this.dir = k8sDir().resolve(dir);
        this.namespace = namespace;
    }

    /** deploy/k8s: surefire runs with the module directory as working directory. */
    static Path k8sDir() {
        return Path.of("").toAbsolutePath();
    }

    /** A fresh copy of the rendered objects (tests may not change each other's view). */
    List<ObjectNode> objects() {
        return RENDERED.computeIfAbsent(this, o -> Kustomize.build(o.dir)).stream().map(ObjectNode::deepCopy).toList();
    }

    List<ObjectNode> ofKind(String kind) {
        return objects().stream().filter(o -> Kustomize.kind(o).equals(kind)).toList();
    }

    Optional<ObjectNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(o -> Kustomize.name(o).equals(name)).findFirst();
    }

    /** Deployments and StatefulSets: the objects that run pods. */
    List<ObjectNode> workloads() {
        return objects().stream().filter(o -> List.of("Deployment", "StatefulSet").contains(Kustomize.kind(o))).toList();
    }

    static JsonNode podSpec(JsonNode workload) {
        return workload.path("spec").path("template").path("spec");
    }

    static JsonNode podLabels(JsonNode workload) {
        return workload.path("spec").path("template").path("metadata").path("labels");
    }
}
