package meridian.orders.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import meridian.conventions.errors.ServiceException;
import meridian.orders.client.Budget;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.SagaStep;

/**
 * Finishes every saga a crash (or an unreachable inventory) left in flight: it resumes the saga from its
 * persisted step, which confirms the order or releases its reservation, never both, never neither.
 * Runs at startup and periodically; replicas claim different orders (FOR UPDATE SKIP LOCKED).
 */
@ApplicationScoped
public class RecoveryJob {

    private static final Logger LOG = Logger.getLogger(RecoveryJob.class);

    private final OrderStore store;
    private final PlacementSaga saga;
    private final OrdersConfig config;
    private final Clock clock;
    private final MeterRegistry meters;

    public RecoveryJob(OrderStore store, PlacementSaga saga, OrdersConfig config, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.saga = saga;
        this.config = config;
        this.clock = clock;
        this.meters = meters;
    }

    @Scheduled(every = "${orders.recovery.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        recoverStuckFor(config.recovery().stuckAfter());
    }

    /** Resumes sagas without progress for {@code stuckFor}; returns how many it took over. */
    public int recoverStuckFor(Duration stuckFor) {
        // One order claimed at a time, right before its run: a claim stamps the order, and an order claimed
        // with a batch would look stuck again to another replica once the runs before it took stuck-after.
        // Claims stamp the order with a later time: a run never takes the same order twice.
        Instant cutoff = clock.instant().minus(stuckFor);
        int taken = 0;
        for (; taken < config.recovery().batchSize(); taken++) {
            List<UUID> claimed = store.claimStuck(cutoff, 1);
            if (claimed.isEmpty()) {
                break;
            }
            UUID id = claimed.get(0);
            String result;
            try {
                PlacementSaga.Outcome outcome = saga.run(id, Budget.of(config.saga().maxBudget()));
                boolean finished = outcome.view().step() == SagaStep.DONE;
                result = finished ? "finished" : "unfinished";
                if (finished) {
                    LOG.infof("recovered order %s: %s", id, outcome.view().state());
                } else {
                    LOG.warnf("recovery of order %s left its saga at %s (%s), retried later", id,
                            outcome.view().step(), outcome.failure() == null ? "-" : outcome.failure().getMessage());
                }
            } catch (ServiceException e) {
                // ABORTED: a live caller ended the step first, which is what recovery wanted.
                result = e.code() == Status.Code.ABORTED ? "finished" : "failed";
                LOG.infof("recovery of order %s: %s", id, e.getMessage());
            } catch (RuntimeException e) {
                result = "failed";
                LOG.warnf("recovery of order %s failed, retried later: %s", id, e.toString());
            }
            // Alert on unfinished or failed runs that persist: a saga step inventory keeps refusing needs a person.
            meters.counter("orders.recovery.runs", "result", result).increment();
        }
        return taken;
    }
}
