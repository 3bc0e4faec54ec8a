package meridian.inventory.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Settings of the inventory service (defaults per profile in application.properties). */
@ConfigMapping(prefix = "meridian.inventory")
public interface InventoryConfig {

    Reservation reservation();

    Sweeper sweeper();

    Watch watch();

    Ledger ledger();

    Feed feed();

    interface Reservation {
        /** TTL of a reservation whose request has none. */
        Duration defaultTtl();
    }

    interface Sweeper {
        /** How often expired reservations are released. */
        Duration interval();

        /** Reservations released per transaction. */
        int batchSize();
    }

    interface Watch {
        /** Ledger entries read per query of a watch stream. */
        int batchSize();

        /** How often a caught-up stream looks for entries committed by other instances. */
        Duration pollInterval();
    }

    interface Ledger {
        /** Ledger entries older than this are purged; cursors before them must resync. */
        Duration retention();

        /** How often the retention purge runs. */
        Duration purgeInterval();
    }

    interface Feed {
        /** Most adjustment lines one AdjustStock feed may carry. */
        int maxLines();
    }
}
