package meridian.orders.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.orders.testing.OrdersGrpcTest;

/** Orders is not ready (gRPC health NOT_SERVING) while a downstream service is not serving. */
@QuarkusTest
class DownstreamReadinessTest extends OrdersGrpcTest {

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
