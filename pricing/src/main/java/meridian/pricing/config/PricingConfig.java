package meridian.pricing.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the pricing service (defaults per profile in application.properties). */
@ConfigMapping(prefix = "pricing")
public interface PricingConfig {

    /** How long a quote's prices hold. */
    @WithDefault("15m")
    Duration quoteTtl();

    /** How long price changes stay in the change log (older watch cursors get CURSOR_EXPIRED). */
    @WithDefault("7d")
    Duration changeLogRetention();

    /** Change log entries read per batch by a watch stream. */
    @WithDefault("100")
    int watchBatchSize();

    /** How often a caught-up watch stream looks for changes committed by other instances. */
    @WithDefault("1s")
    Duration watchPollInterval();

    /**
     * How often each instance reads the change log to drop cached prices and promotions changed by other
     * instances; with the read itself, this bounds how long such a change stays unseen (the contract says 1 s).
     */
    @WithDefault("250ms")
    Duration cacheSyncInterval();
}
