package meridian.orders.service;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.scheduler.Scheduled;
import meridian.orders.client.Budget;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.OrderRepository;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.persistence.StockKey;

/** Confirms backordered orders in arrival order when their stock comes, each through the placement saga. */
@ApplicationScoped
public class BackorderService {

    private static final Logger LOG = Logger.getLogger(BackorderService.class);
    private static final int BATCH = 100;
    static final String RECHECK_SPAN = "orders.backorders.recheck";

    private final OrderRepository orders;
    private final OrderStore store;
    private final PlacementSaga saga;
    private final OrdersConfig config;
    private final Clock clock;
    private final Tracer tracer;

    public BackorderService(OrderRepository orders, OrderStore store, PlacementSaga saga, OrdersConfig config,
            Clock clock, Tracer tracer) {
        this.orders = orders;
        this.store = store;
        this.saga = saga;
        this.config = config;
        this.clock = clock;
        this.tracer = tracer;
    }

    /**
     * Stock of {@code sku} at {@code locationId} went up: tries the backordered orders that need it, oldest
     * first, and stops at the first one still short so a later order never overtakes an earlier one.
     */
    public void stockArrived(String locationId, String sku) {
        retry(orders.backordered(locationId, sku, BATCH));
    }

    /** The stock levels among {@code levels} that backordered orders wait for. */
    public Set<StockKey> waitingAmong(Collection<StockKey> levels) {
        return orders.withBackordersWaiting(levels);
    }

    @Scheduled(every = "${orders.backorders.recheck-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledRecheck() {
        recheckIdleFor(config.backorders().recheckAfter());
    }

    /**
     * Tries the backorders of each stock level whose first waiting order was not tried for {@code idle}, as if its
     * stock had arrived; returns how many stock levels it looked at. The backstop for stock the stream could not
     * announce.
     */
    public int recheckIdleFor(Duration idle) {
        List<StockKey> levels = orders.idleBackorders(clock.instant().minus(idle), config.backorders().recheckBatchSize());
        if (levels.isEmpty()) {
            return 0;
        }
        Span span = tracer.spanBuilder(RECHECK_SPAN).setNoParent()
                .setAttribute("meridian.stock_levels", levels.size()).startSpan();
        try (Scope scope = span.makeCurrent()) {
            for (StockKey level : levels) {
                try {
                    stockArrived(level.locationId(), level.sku());
                } catch (RuntimeException e) {
                    span.recordException(e);
                    LOG.warnf("backorder recheck of %s failed, retried later: %s", level, e.toString());
                }
            }
        } finally {
            span.end();
        }
        return levels.size();
    }

    /**
     * After the stock stream lost its position: tries the first waiting order of each stock level (as many levels as
     * a recheck takes; the recheck goes on with the rest).
     */
    public void retryAll() {
        recheckIdleFor(Duration.ZERO);
    }

    private void retry(List<UUID> ids) {
        for (UUID id : ids) {
            Optional<SagaView> claimed = store.retryBackorder(id);
            if (claimed.isEmpty()) {
                // Another caller (another stock level's promotion, another replica, the recheck) runs its saga, or it
                // left the backorders. Skipping it would let a later order take the stock it waits for, so wait for
                // the outcome; an attempt that came back short may have asked before this stock came: once more.
                SagaView settled = awaitSettled(id);
                if (settled.state() != OrderStatus.BACKORDERED) {
                    continue;
                }
                claimed = settled.step() == SagaStep.DONE ? store.retryBackorder(id) : Optional.empty();
                if (claimed.isEmpty()) {
                    return; // still running, or taken again: that caller goes on from here
                }
            }
            PlacementSaga.Outcome outcome = saga.run(id, Budget.of(config.saga().maxBudget()));
            LOG.infof("backorder %s retried: %s", id, outcome.view().state());
            if (outcome.stillBackordered()) {
                return;
            }
        }
    }

    /** The order once no saga runs for it, or as it is when a saga's longest run has passed. */
    private SagaView awaitSettled(UUID id) {
        return SagaPolling.until(store.load(id), o -> o.step() == SagaStep.DONE, store::load,
                Budget.of(config.saga().maxBudget().plus(config.saga().compensationBudget())),
                config.saga().duplicatePollInterval().toMillis());
    }
}
