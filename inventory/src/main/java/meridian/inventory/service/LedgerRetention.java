package meridian.inventory.service;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import meridian.conventions.watch.LogPosition;
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.LedgerRetentionEntity;
import meridian.inventory.persistence.LedgerRetentionRepository;

/**
 * Purges ledger entries older than the retention (archive them first if audits need longer).
 * Watchers with a cursor before the purged range get CURSOR_EXPIRED and resync.
 */
@ApplicationScoped
public class LedgerRetention {

    private static final Logger LOG = Logger.getLogger(LedgerRetention.class);
    private static final int BATCH = 10_000;

    private final LedgerRepository ledger;
    private final LedgerRetentionRepository marks;
    private final InventoryConfig config;
    private final ServiceClock clock;

    LedgerRetention(LedgerRepository ledger, LedgerRetentionRepository marks, InventoryConfig config,
            ServiceClock clock) {
        this.ledger = ledger;
        this.marks = marks;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${meridian.inventory.ledger.purge-interval}",
            delayed = "${meridian.inventory.ledger.purge-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeOnSchedule() {
        int purged = purge(clock.now().minus(config.ledger().retention()), LogPosition.END);
        if (purged > 0) {
            LOG.infof("purged %d ledger entries older than %s", purged, config.ledger().retention());
        }
    }

    /** Purges entries written before {@code cutoff} at or before {@code through}; returns how many. */
    public int purge(Instant cutoff, LogPosition through) {
        int total = 0;
        int batch;
        do {
            batch = purgeBatch(cutoff, through);
            total += batch;
        } while (batch == BATCH);
        return total;
    }

    /** One batch: the mark is locked first, so it moves in the transaction that deletes. */
    @Transactional
    int purgeBatch(Instant cutoff, LogPosition through) {
        LedgerRetentionEntity mark = marks.lock();
        LedgerRepository.Purged purged = ledger.purge(cutoff, through, BATCH);
        if (purged.count() > 0) {
            mark.advanceTo(purged.last());
        }
        return purged.count();
    }
}
