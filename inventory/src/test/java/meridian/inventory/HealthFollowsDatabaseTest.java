package meridian.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.postgres.LocalPostgres;
import meridian.testing.AppChannelTest;
import meridian.testing.PostgresTestResource;

/**
 * Readiness and gRPC health follow the database: while PostgreSQL refuses the service's connections
 * the service reports NOT_SERVING, and SERVING again once it accepts them. The outage is made on the
 * shared embedded server (the database refuses connections) so no extra Quarkus start is needed.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class HealthFollowsDatabaseTest extends AppChannelTest {

    private static final String SERVICE = "meridian.inventory.v1.InventoryService";

    @Test
    void grpcHealthIsNotServingWhileTheDatabaseIsUnreachable() throws Exception {
        assumeTrue(System.getenv("MERIDIAN_TEST_JDBC_URL") == null && System.getProperty("MERIDIAN_TEST_JDBC_URL") == null,
                "needs the embedded server to cut the database off");
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        await().atMost(Duration.ofSeconds(30)).until(() -> status(health) == ServingStatus.SERVING);

        try (Connection admin = DriverManager.getConnection(PostgresTestResource.server().jdbcUrl("postgres"),
                LocalPostgres.USER, ""); Statement sql = admin.createStatement()) {
            sql.execute("ALTER DATABASE inventory ALLOW_CONNECTIONS false");
            try {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        + "WHERE datname = 'inventory' AND pid <> pg_backend_pid()");
                await().atMost(Duration.ofSeconds(60)).until(() -> status(health) == ServingStatus.NOT_SERVING);
                assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                        .isEqualTo(ServingStatus.NOT_SERVING);
            } finally {
                sql.execute("ALTER DATABASE inventory ALLOW_CONNECTIONS true");
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> status(health) == ServingStatus.SERVING);
        // The pool drops the connections the outage killed instead of failing calls with them.
        for (int i = 0; i < 40; i++) {
            InventoryServiceGrpc.newBlockingStub(channel).listStockLevels(
                    ListStockLevelsRequest.newBuilder().setParent("locations/-").setPageSize(1).build());
        }
    }

    private static ServingStatus status(HealthGrpc.HealthBlockingStub health) {
        return health.check(HealthCheckRequest.newBuilder().setService(SERVICE).build()).getStatus();
    }
}
