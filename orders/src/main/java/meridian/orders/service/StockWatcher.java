package meridian.orders.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import meridian.conventions.errors.ErrorDetails;
import meridian.inventory.v1.StockChange;
import meridian.orders.client.InventoryClient;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.StockWatchCursorEntity;

/**
 * Holds one long-lived WatchStockLevels stream to inventory and feeds stock increases to the backorders.
 * The cursor of the last handled change is stored, so after a restart or a dropped stream it resumes
 * exactly there (reconnecting with backoff); a cursor inventory no longer keeps means a full backorder
 * retry and a restart from the head.
 */
@ApplicationScoped
public class StockWatcher {

    private static final Logger LOG = Logger.getLogger(StockWatcher.class);
    static final String STREAM = "inventory.stock-levels";
    private static final Duration CURSOR_SAVE_INTERVAL = Duration.ofSeconds(1);

    private final InventoryClient inventory;
    private final BackorderService backorders;
    private final OrdersConfig config;
    private final Clock clock;
    private volatile Cancellable subscription;
    private volatile boolean resync;
    private volatile Instant lastSaved = Instant.MIN;

    public StockWatcher(InventoryClient inventory, BackorderService backorders, OrdersConfig config, Clock clock) {
        this.inventory = inventory;
        this.backorders = backorders;
        this.config = config;
        this.clock = clock;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.stockWatch().enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    void start() {
        subscription = Multi.createFrom().deferred(this::connect)
                .onItem().transformToUniAndConcatenate(change -> Uni.createFrom().item(() -> {
                    handle(change);
                    return change;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .onCompletion().failWith(() -> new IllegalStateException("inventory ended the stock stream"))
                .onFailure().invoke(this::disconnected)
                .onFailure().retry().withBackOff(config.stockWatch().reconnectInitialBackoff(),
                        config.stockWatch().reconnectMaxBackoff()).indefinitely()
                .subscribe().with(change -> {
                }, failure -> LOG.error("stock stream stopped", failure));
    }

    private Multi<StockChange> connect() {
        // Runs on a worker (first subscription, or the retry's scheduler): reading the cursor blocks.
        return Uni.createFrom().item(this::resumeCursor)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToMulti(cursor -> inventory.watch(cursor))
                .map(response -> response.getChange());
    }

    private String resumeCursor() {
        if (resync) {
            resync = false;
            QuarkusTransaction.requiringNew().run(() -> StockWatchCursorEntity.deleteById(STREAM));
            backorders.retryAll();
            return "";
        }
        StockWatchCursorEntity stored = QuarkusTransaction.requiringNew()
                .call(() -> StockWatchCursorEntity.<StockWatchCursorEntity>findById(STREAM));
        return stored == null ? "" : stored.cursor;
    }

    private void disconnected(Throwable failure) {
        if (failure instanceof StatusRuntimeException e && ErrorDetails.hasReason(e, "CURSOR_EXPIRED")) {
            resync = true;
        }
        LOG.infof("stock stream disconnected (%s); reconnecting", failure.toString());
    }

    private void handle(StockChange change) {
        boolean relevant = change.getOnHandDelta() > change.getReservedDelta();
        if (relevant) {
            // Available = on hand - reserved went up: stock arrived or a reservation let go.
            backorders.stockArrived(change.getStockLevel().getLocationId(), change.getStockLevel().getSku());
        }
        // Replaying changes after a restart is harmless (backorder retries are idempotent), so the cursor
        // of mere reservations is saved at most once per interval, not once per change.
        Instant now = clock.instant();
        if (relevant || !now.isBefore(lastSaved.plus(CURSOR_SAVE_INTERVAL))) {
            QuarkusTransaction.requiringNew().run(() -> saveCursor(change.getCursor()));
            lastSaved = now;
        }
    }

    private void saveCursor(String cursor) {
        StockWatchCursorEntity stored = StockWatchCursorEntity.findById(STREAM);
        if (stored == null) {
            stored = new StockWatchCursorEntity();
            stored.stream = STREAM;
            stored.cursor = cursor;
            stored.updateTime = clock.instant();
            stored.persist();
        } else {
            stored.cursor = cursor;
            stored.updateTime = clock.instant();
        }
    }
}
