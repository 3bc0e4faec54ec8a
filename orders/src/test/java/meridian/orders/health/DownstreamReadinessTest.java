package meridian.orders.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.testing.AppChannelTest;
import meridian.testing.PostgresTestResource;

/** Orders is not ready (gRPC health NOT_SERVING) while a downstream service is not serving. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "orders"))
@WithTestResource(value = Downstreams.class, scope = TestResourceScope.GLOBAL)
class DownstreamReadinessTest extends AppChannelTest {

    @AfterAll
    static void inventoryServingAgain() {
        Downstreams.setInventoryServing(true);
    }

    @Test
    void notServingWhileInventoryIsDownAndServingAgainAfter() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        HealthCheckRequest orders = HealthCheckRequest.newBuilder().setService("meridian.orders.v1.OrdersService")
                .build();
        try {
            Downstreams.setInventoryServing(false);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(health.check(orders).getStatus()).isEqualTo(ServingStatus.NOT_SERVING));
        } finally {
            Downstreams.setInventoryServing(true);
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(health.check(orders).getStatus()).isEqualTo(ServingStatus.SERVING));
    }
}
