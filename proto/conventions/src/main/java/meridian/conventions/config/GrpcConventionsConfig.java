package meridian.conventions.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings every service shares for its gRPC surface. */
@ConfigMapping(prefix = "meridian.grpc")
public interface GrpcConventionsConfig {

    /** google.rpc.ErrorInfo domain of this service, such as "inventory.meridian". */
    String errorDomain();

    /** Deadline given to an outgoing call that has none and runs outside a call with one. */
    @WithDefault("5s")
    Duration clientDeadline();

    /** How often gRPC health is brought in line with readiness. */
    @WithDefault("2s")
    Duration healthSyncInterval();
}
