package meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;

/**
 * What every service must show once started against its database: migrations applied, gRPC health SERVING for the
 * service and overall, the service listed by server reflection, a write read back, and a malformed request refused
 * with field details. A service's @QuarkusTest extends it, and its @QuarkusIntegrationTest extends that test to run
 * the same checks against the packaged jar or native executable: so everything here is black box (gRPC calls, and
 * the database read from the test JVM; no injection).
 */
public abstract class ServiceStartsChecks extends AppChannelTest {

    /** The full gRPC service name, such as meridian.inventory.v1.InventoryService. */
    protected abstract String serviceName();

    /** Calls a method of the service whose request "name" is malformed. */
    protected abstract void callWithMalformedName(ManagedChannel channel);

    /** Writes something through the service's API and asserts it reads it back (through the database). */
    protected abstract void writeThenRead(ManagedChannel channel);

    @Test
    void migrationsApplied() {
        // The app's datasource (the test resource's settings) and its migrations (db/migration on the class path).
        Config config = ConfigProvider.getConfig();
        Flyway flyway = Flyway.configure().dataSource(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse("")).load();
        assertThat(flyway.info().applied()).isNotEmpty();
        assertThat(flyway.info().pending()).isEmpty();
    }

    @Test
    void aWriteIsReadBack() {
        writeThenRead(channel);
    }

    @Test
    void grpcHealthIsServingForTheServiceAndOverall() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(health.check(HealthCheckRequest.newBuilder().setService(serviceName()).build()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
        });
    }

    @Test
    void reflectionListsTheService() throws InterruptedException {
        List<String> services = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                        response.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).forEach(services::add);
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
        requests.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(services).contains(serviceName(), "grpc.health.v1.Health");
    }

    @Test
    void malformedRequestIsRejectedWithFieldDetails() {
        GrpcAssertions.assertInvalidFields(() -> callWithMalformedName(channel), "name");
    }
}
