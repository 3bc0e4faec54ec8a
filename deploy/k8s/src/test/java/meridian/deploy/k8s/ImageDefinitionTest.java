package meridian.deploy.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image definitions (each service's src/main/docker) and the native build profile (root pom) agree
 * with the manifests: base images, non-root user, port, and only the runtime copied into the image.
 * No container engine here: this reads the files; building them is for a machine with one (README).
 */
class ImageDefinitionTest {

    private static final Path ROOT = Overlay.k8sDir().resolve("../..").normalize();

    @ParameterizedTest
    @CsvSource({"inventory,8081", "pricing,8082", "orders,8083"})
    void jvmImageRunsTheFastJarAsNonRoot(String service, int port) throws Exception {
        List<String[]> lines = instructions(ROOT.resolve(service + "/src/main/docker/Dockerfile.jvm"));
        assertThat(values(lines, "FROM")).containsExactly("registry.access.redhat.com/ubi9/openjdk-21-runtime:1.23");
        assertThat(values(lines, "COPY")).isNotEmpty().allSatisfy(copy ->
                assertThat(copy).startsWith("--chown=1001:0 target/quarkus-app/"));
        assertThat(values(lines, "RUN")).as("nothing installed or built in the runtime image").isEmpty();
        assertCommon(service, port, lines);
    }

    @ParameterizedTest
    @CsvSource({"inventory,8081", "pricing,8082", "orders,8083"})
    void nativeImageHoldsOnlyTheExecutableOnTheMicroBase(String service, int port) throws Exception {
        List<String[]> lines = instructions(ROOT.resolve(service + "/src/main/docker/Dockerfile.native-micro"));
        assertThat(values(lines, "FROM")).containsExactly("quay.io/quarkus/quarkus-micro-image:2.0");
        assertThat(values(lines, "COPY")).containsExactly("--chown=1001:root --chmod=0755 target/*-runner /work/application");
        assertThat(values(lines, "RUN")).allSatisfy(run -> assertThat(run).matches("(chown|chmod)[^;|]*( && (chown|chmod)[^;|]*)*"));
        assertCommon(service, port, lines);
    }

    private static void assertCommon(String service, int port, List<String[]> lines) {
        List<String> users = values(lines, "USER");
        assertThat(users).isNotEmpty();
        assertThat(users.getLast()).as("runs as uid 1001").isEqualTo("1001");
        assertThat(values(lines, "EXPOSE")).containsExactly(String.valueOf(port));
        assertThat(values(lines, "ENTRYPOINT")).hasSize(1);
        // The pods run as the image's user and on the image's port.
        for (Overlay overlay : Overlay.values()) {
            ObjectNode d = overlay.find("Deployment", service).orElseThrow();
            assertThat(d.at("/spec/template/spec/securityContext/runAsUser").asText()).isEqualTo(users.getLast());
            assertThat(d.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt()).isEqualTo(port);
        }
    }

    @Test
    void nativeProfileBuildsInAMandrelContainerWithoutTheJar() throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        NodeList profiles = doc.getElementsByTagName("profile");
        Map<String, String> props = new HashMap<>();
        String activation = null;
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if (text(p, "id").equals("native")) {
                activation = text((Element) p.getElementsByTagName("activation").item(0), "name");
                NodeList children = ((Element) p.getElementsByTagName("properties").item(0)).getChildNodes();
                for (int j = 0; j < children.getLength(); j++) {
                    if (children.item(j) instanceof Element e) {
                        props.put(e.getTagName(), e.getTextContent().trim());
                    }
                }
            }
        }
        assertThat(activation).as("-Dnative activates it").isEqualTo("native");
        assertThat(props).containsEntry("quarkus.native.enabled", "true")
                .containsEntry("quarkus.native.container-build", "true")
                .containsEntry("quarkus.package.jar.enabled", "false")
                // No builder-image override: the Quarkus default, Mandrel.
                .doesNotContainKey("quarkus.native.builder-image");
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
    }

    /** Dockerfile instructions (continuations joined, comments dropped) as {INSTRUCTION, arguments}. */
    private static List<String[]> instructions(Path dockerfile) throws Exception {
        List<String[]> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            if (line.isBlank() || line.stripLeading().startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String full = current.toString().trim().replaceAll("\\s+", " ");
            current.setLength(0);
            int space = full.indexOf(' ');
            out.add(new String[] {full.substring(0, space).toUpperCase(), full.substring(space + 1)});
        }
        return out;
    }

    private static List<String> values(List<String[]> lines, String instruction) {
        return lines.stream().filter(l -> l[0].equals(instruction)).map(l -> l[1]).toList();
    }
}
