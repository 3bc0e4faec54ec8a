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

    /**
     * A server stream whose client has taken nothing for this long is ended with UNAVAILABLE (resume from the last
     * cursor): the embedded HTTP/2 server does not report a client's cancel of a server stream.
     */
    @WithDefault("5m")
    Duration streamStallTimeout();

    /** How often gRPC health is brought in line with readiness. */
    @WithDefault("2s")
    Duration healthSyncInterval();
}
