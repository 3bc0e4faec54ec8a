package meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * service and overall, the service listed by server reflection, and a malformed request refused with field details.
 * A service's @QuarkusTest extends it.
 */
public abstract class ServiceStartsChecks {

    protected static ManagedChannel channel;

    @Inject
    Flyway flyway;

    /** The full gRPC service name, such as meridian.inventory.v1.InventoryService. */
    protected abstract String serviceName();

    /** Calls a method of the service whose request "name" is malformed. */
    protected abstract void callWithMalformedName(ManagedChannel channel);

    @BeforeAll
    static void connect() {
        channel = TestChannels.toApp();
    }

    @AfterAll
    static void disconnect() {
        TestChannels.close(channel);
    }

    @Test
    void migrationsApplied() {
        assertThat(flyway.info().applied()).isNotEmpty();
        assertThat(flyway.info().pending()).isEmpty();
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
