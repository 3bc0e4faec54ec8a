package meridian.inventory.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;

/** The current time at PostgreSQL's precision, so a stored response equals what a later read returns. */
@ApplicationScoped
public class ServiceClock {

    private final Clock clock;

    ServiceClock(Clock clock) {
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
