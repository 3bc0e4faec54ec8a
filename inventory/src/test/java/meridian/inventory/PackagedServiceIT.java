package meridian.inventory;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The start-up checks against the packaged service as a black box (failsafe, after package): the fast-jar here, the
 * native executable when built with -Dnative. Its own process, its own PostgreSQL database from the same test
 * resource, called only over gRPC.
 */
@QuarkusIntegrationTest
class PackagedServiceIT extends ServiceStartsTest {
}
