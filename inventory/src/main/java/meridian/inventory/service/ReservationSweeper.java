package meridian.inventory.service;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.ReservationRepository;

/**
 * Releases reservations whose TTL ran out, in batches; several replicas may sweep at once (rows a
 * sweeper holds are skipped by the others).
 */
@Startup // its gauges exist from boot
@ApplicationScoped
public class ReservationSweeper {

    private static final Logger LOG = Logger.getLogger(ReservationSweeper.class);

    private final ReservationTransactions transactions;
    private final ReservationRepository reservations;
    private final InventoryConfig config;
    private final AtomicLong active = new AtomicLong();

    ReservationSweeper(ReservationTransactions transactions, ReservationRepository reservations,
            InventoryConfig config, MeterRegistry meters) {
        this.transactions = transactions;
        this.reservations = reservations;
        this.config = config;
        meters.gauge("inventory.reservations.active", active);
    }

    @Scheduled(every = "${meridian.inventory.sweeper.interval}", delayed = "${meridian.inventory.sweeper.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweepOnSchedule() {
        sweep();
        active.set(countActive());
    }

    /** Expires every overdue reservation now; returns how many. */
    public int sweep() {
        int total = 0;
        int batch;
        do {
            batch = transactions.expireDue(config.sweeper().batchSize());
            total += batch;
        } while (batch == config.sweeper().batchSize());
        if (total > 0) {
            LOG.infof("released %d expired reservations", total);
        }
        return total;
    }

    @Transactional
    long countActive() {
        return reservations.countActive();
    }
}
