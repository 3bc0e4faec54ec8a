package meridian.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.grpc.ManagedChannel;

/**
 * A test class calling the Quarkus app under test through one channel, opened before its tests and closed after
 * them. Subclasses add their stubs in their own {@code @BeforeAll} (JUnit runs this one first).
 */
public abstract class AppChannelTest {

    protected static ManagedChannel channel;

    @BeforeAll
    static void openAppChannel() {
        channel = TestChannels.toApp();
    }

    @AfterAll
    static void closeAppChannel() {
        TestChannels.close(channel);
    }
}
