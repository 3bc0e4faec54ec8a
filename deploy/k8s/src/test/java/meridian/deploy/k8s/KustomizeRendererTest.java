package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The renderer on its own, for machines without kubectl: the hash suffixes are the ones kustomize v5.5
 * (kubectl 1.32) printed for these very generators, and anything outside the supported subset fails.
 */
class KustomizeRendererTest {

    @Test
    void generatedNamesCarryKustomizesContentHash() {
        ObjectNode cm = (ObjectNode) Kustomize.YAML.createObjectNode();
        cm.put("apiVersion", "v1").put("kind", "ConfigMap").putObject("metadata").put("name", "inventory-config");
        cm.putObject("data").put("INVENTORY_DB_URL", "jdbc:postgresql://postgres:5432/inventory");
        assertThat(Kustomize.contentHash(cm)).isEqualTo("bhh9dgf8h6");

        // Observed from `kubectl kustomize overlays/dev`; the init script's '<' exercises Go's HTML-safe escaping.
        List<ObjectNode> dev = Overlay.DEV.objects();
        assertThat(dev).extracting(Kustomize::name).contains(
                "inventory-config-bhh9dgf8h6", "postgres-init-mbd25b9t8f", "otel-collector-config-mk9hb6hhbf",
                "inventory-db-bgkd6tb5gf", "postgres-superuser-fttk97f4tf");
        // ...and every reference follows the rename.
        assertThat(Overlay.DEV.find("Deployment", "inventory").orElseThrow()
                .at("/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name").asText()).isEqualTo("inventory-db-bgkd6tb5gf");
        assertThat(Overlay.PROD.find("Deployment", "inventory").orElseThrow()
                .at("/spec/template/spec/containers/0/env/0/valueFrom/secretKeyRef/name").asText()).isEqualTo("inventory-db");
    }

    @Test
    void unsupportedFeaturesFailTheRender(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [cm.yaml]\nnamePrefix: x-\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("namePrefix");

        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources: [cm.yaml]
                patches:
                  - target: {kind: ConfigMap, name: a}
                    patch: |-
                      data:
                        k: w
                """);
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("JSON 6902");

        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources: [cm.yaml]
                patches:
                  - target: {kind: ConfigMap, name: typo}
                    patch: |-
                      - op: replace
                        path: /data/k
                        value: w
                """);
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("matches nothing");

        Files.writeString(dir.resolve("kustomization.yaml"), """
                resources: [cm.yaml]
                patches:
                  - target: {kind: ConfigMap}
                    patch: |-
                      - op: replace
                        path: /data/missing
                        value: w
                """);
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("does not exist");
    }

    @Test
    void patchesNamespaceLabelsAndImagesApply(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("d.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                  labels: {tier: x}
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                        - name: c
                          image: meridian/d:1
                """);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                namespace: ns
                labels:
                  - pairs: {team: t}
                resources: [d.yaml]
                images:
                  - name: meridian/d
                    newName: reg/meridian/d
                    newTag: "2"
                patches:
                  - target: {kind: Deployment, labelSelector: tier=x}
                    patch: |-
                      - op: replace
                        path: /spec/replicas
                        value: 5
                      - op: add
                        path: /spec/template/spec/containers/-
                        value: {name: side, image: meridian/d:1}
                """);
        ObjectNode d = Kustomize.build(dir).getFirst();
        assertThat(d.at("/metadata/namespace").asText()).isEqualTo("ns");
        assertThat(d.at("/metadata/labels/team").asText()).isEqualTo("t");
        assertThat(d.at("/spec/template/metadata/labels").isMissingNode()).as("labels without includeTemplates").isTrue();
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(d.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("reg/meridian/d:2");
        assertThat(d.at("/spec/template/spec/containers/1/image").asText()).isEqualTo("reg/meridian/d:2");
    }
}
