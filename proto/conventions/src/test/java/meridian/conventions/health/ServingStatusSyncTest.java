package meridian.conventions.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;

class ServingStatusSyncTest {

    private final GrpcHealthStorage storage = new GrpcHealthStorage();
    private final ServingStatusSync sync = new ServingStatusSync(readinessUp(), storage, List.of());

    @Test
    void notServingFromTheFirstStartUpObserverUntilStartUpIsDone() {
        storage.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.SERVING); // as Quarkus registers it
        sync.beforeStartUpWork(null);
        assertThat(storage.statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);

        sync.sync(); // a scheduled sync while the start-up work runs
        assertThat(storage.statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);

        sync.onStart(null);
        assertThat(storage.statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus())
                .isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void shutdownPublishesNotServingAndLaterSyncsKeepIt() {
        sync.onStart(null);
        sync.onShutdown(null);
        sync.sync();
        assertThat(storage.statusForService(GrpcHealthStorage.DEFAULT_SERVICE_NAME).getStatus())
                .isEqualTo(ServingStatus.NOT_SERVING);
    }

    /** Readiness with every check UP. */
    private static SmallRyeHealthReporter readinessUp() {
        return new SmallRyeHealthReporter() {
            @Override
            public SmallRyeHealth getReadiness() {
                return new SmallRyeHealth(Json.createObjectBuilder().add("status", "UP")
                        .add("checks", Json.createArrayBuilder()).build());
            }
        };
    }
}
