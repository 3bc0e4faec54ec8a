package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The JDK AOT cache is trained with the root pom's meridian.jvm.options and used with ServiceProcess.JVM_OPTIONS:
 * options that differ can make the JVM reject the cache (GC, heap) or measure a setup that is not the one run.
 */
class JvmOptionsTest {

    @Test
    void launcherRunsTheServicesWithTheOptionsTheAotCacheIsTrainedWith() throws Exception {
        Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(root.resolve("pom.xml").toFile()).getDocumentElement();
        String trainingOptions = null;
        // The project's own <properties>, not a profile's (the native profile clears them).
        for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element properties && properties.getTagName().equals("properties")) {
                trainingOptions = properties.getElementsByTagName("meridian.jvm.options").item(0).getTextContent();
            }
        }
        assertThat(trainingOptions).isNotNull();
        assertThat(trainingOptions.trim().split("\\s+")).containsExactlyElementsOf(ServiceProcess.JVM_OPTIONS);
    }
}
