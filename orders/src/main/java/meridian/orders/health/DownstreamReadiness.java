package meridian.orders.health;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Channel;
import io.grpc.Context;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import io.quarkus.grpc.GrpcClient;

/**
 * Orders is not ready while it cannot reach inventory or pricing: each is asked for its gRPC health
 * (cached for a moment so probes do not hammer them). The database check is Quarkus' datasource check.
 */
@Readiness
@ApplicationScoped
public class DownstreamReadiness implements HealthCheck {

    @GrpcClient("inventory")
    Channel inventory;

    @GrpcClient("pricing")
    Channel pricing;

    private final Probe probe;

    public DownstreamReadiness(Probe probe) {
        this.probe = probe;
    }

    @Override
    public HealthCheckResponse call() {
        boolean inventoryUp = probe.serving("inventory", inventory);
        boolean pricingUp = probe.serving("pricing", pricing);
        return HealthCheckResponse.named("downstream services")
                .status(inventoryUp && pricingUp)
                .withData("inventory", inventoryUp ? "SERVING" : "UNREACHABLE")
                .withData("pricing", pricingUp ? "SERVING" : "UNREACHABLE")
                .build();
    }

    /** One gRPC health check of a downstream channel, cached per service name. */
    @ApplicationScoped
    public static class Probe {

        @CacheResult(cacheName = "downstream-health")
        public boolean serving(@CacheKey String service, Channel channel) {
            try {
                return Context.ROOT.call(() -> HealthGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(1, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance())
                        .getStatus() == ServingStatus.SERVING);
            } catch (Exception e) {
                return false;
            }
        }
    }
}
