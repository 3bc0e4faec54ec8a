package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The in-repo renderer against the real kustomize built into kubectl: same objects, field for field,
 * generated names (content hashes) included. Skipped where kubectl is not installed; the project
 * does not install it (it is not needed to build or test), so this check runs where it happens to be.
 */
class KubectlCrossCheckTest {

    @ParameterizedTest
    @EnumSource(Overlay.class)
    void rendererMatchesKubectlKustomize(Overlay overlay) throws Exception {
        Path kubectl = onPath("kubectl");
        assumeTrue(kubectl != null, "kubectl not on PATH");
        Path out = Files.createTempFile("kustomize-", ".yaml");
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", overlay.dir.toString())
                .redirectOutput(out.toFile()).redirectErrorStream(false).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("kubectl kustomize: %s", err).isZero();

        Map<String, JsonNode> expected = byId(Kustomize.readYaml(out));
        Map<String, JsonNode> actual = byId(overlay.objects().stream().map(o -> (JsonNode) o).toList());
        Files.delete(out);

        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((id, obj) -> assertThat(actual.get(id)).as(id).isEqualTo(obj));
    }

    private static Map<String, JsonNode> byId(List<? extends JsonNode> objects) {
        Map<String, JsonNode> m = new TreeMap<>();
        for (JsonNode o : objects) {
            m.put(o.path("apiVersion").asText() + " " + Kustomize.kind(o) + " " + Kustomize.namespace(o) + "/" + Kustomize.name(o), o);
        }
        return m;
    }

    private static Path onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
