package meridian.orders.service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.Cancellable;
import meridian.conventions.errors.ErrorDetails;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.StockChangeKind;
import meridian.orders.client.InventoryClient;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.StockKey;
import meridian.orders.persistence.StockWatchCursorEntity;
import meridian.orders.persistence.StockWatchCursors;

/**
 * Holds one long-lived WatchStockLevels stream to inventory and feeds stock increases to the backorders.
 * The cursor of the last handled change is stored, so after a restart or a dropped stream it resumes
 * exactly there (reconnecting with backoff); a cursor inventory no longer keeps means the backorder recheck
 * for every stock level and a restart from the head.
 * <p>
 * A reservation inventory let expire cancels the confirmed order that held it (it holds no stock any more).
 * Changes are handled in batches (one backorder query for all the stock levels a batch raised); each stock level
 * that has backorders waiting gets its own root span (not one span for the endless stream), linked to the inventory
 * calls that wrote its changes, so the promotion's ReserveStock calls are its children.
 */
@ApplicationScoped
public class StockWatcher {

    private static final Logger LOG = Logger.getLogger(StockWatcher.class);
    static final String STREAM = "inventory.stock-levels";
    private static final Duration CURSOR_SAVE_INTERVAL = Duration.ofSeconds(1);
    /** Stock changes handled together: at most this many, gathered for at most the window. */
    private static final int BATCH_SIZE = 500;
    private static final Duration BATCH_WINDOW = Duration.ofMillis(20);
    static final String PROMOTE_SPAN = "orders.backorders.promote";
    private static final TextMapGetter<String> TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final InventoryClient inventory;
    private final BackorderService backorders;
    private final OrdersConfig config;
    private final Clock clock;
    private final Tracer tracer;
    private final StockWatchCursors cursors;
    private final OrderStore store;
    /** create_time of the last change handled; null before the first. */
    private final AtomicReference<Instant> lastChangeTime = new AtomicReference<>();
    private volatile Cancellable subscription;
    private volatile boolean resync;
    private volatile Instant lastSaved = Instant.MIN;

    public StockWatcher(InventoryClient inventory, BackorderService backorders, OrdersConfig config, Clock clock,
            Tracer tracer, MeterRegistry meters, StockWatchCursors cursors, OrderStore store) {
        this.store = store;
        this.inventory = inventory;
        this.backorders = backorders;
        this.config = config;
        this.clock = clock;
        this.tracer = tracer;
        this.cursors = cursors;
        Gauge.builder("orders.stock_watch.lag", this, StockWatcher::lagSeconds)
                .description("Seconds since the create_time of the last stock change handled (grows while none arrive)")
                .baseUnit("seconds").strongReference(true).register(meters);
    }

    private double lagSeconds() {
        Instant last = lastChangeTime.get();
        return last == null ? Double.NaN : Duration.between(last, clock.instant()).toMillis() / 1000.0;
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
                // A bulk feed raises thousands of stock levels at once: one backorder query per batch, not per change.
                .group().intoLists().of(BATCH_SIZE, BATCH_WINDOW)
                // The window's timer emits a batch whether or not the last one is handled yet: queue them.
                .onOverflow().bufferUnconditionally()
                .onItem().transformToUniAndConcatenate(batch -> {
                    Map<StockKey, List<StockChange>> raised = raisedStock(batch);
                    Set<String> expired = expiredReservations(batch);
                    boolean saveCursor = !clock.instant().isBefore(lastSaved.plus(CURSOR_SAVE_INTERVAL));
                    Uni<List<StockChange>> handled = Uni.createFrom().item(() -> {
                        handle(batch, raised, expired, saveCursor);
                        return batch;
                    });
                    // Most batches (reservations taking stock) need no database work: no hop to a worker for them.
                    return raised.isEmpty() && expired.isEmpty() && !saveCursor ? handled
                            : handled.runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
                })
                .onCompletion().failWith(() -> new IllegalStateException("inventory ended the stock stream"))
                .onFailure().invoke(this::disconnected)
                .onFailure().retry().withBackOff(config.stockWatch().reconnectInitialBackoff(),
                        config.stockWatch().reconnectMaxBackoff()).indefinitely()
                .subscribe().with(batch -> {
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
            // No position is stored until the next save: make it the first change from the head.
            lastSaved = Instant.MIN;
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

    /** The stock levels whose available stock (on hand - reserved) went up, in order, with the changes that did it. */
    private static Map<StockKey, List<StockChange>> raisedStock(List<StockChange> batch) {
        Map<StockKey, List<StockChange>> raised = new LinkedHashMap<>();
        for (StockChange change : batch) {
            if (change.getOnHandDelta() > change.getReservedDelta()) {
                raised.computeIfAbsent(new StockKey(change.getStockLevel().getLocationId(),
                        change.getStockLevel().getSku()), k -> new ArrayList<>(1)).add(change);
            }
        }
        return raised;
    }

    /** Reservations inventory let expire (one change per line of each). */
    private static Set<String> expiredReservations(List<StockChange> batch) {
        Set<String> expired = new LinkedHashSet<>();
        for (StockChange change : batch) {
            if (change.getKind() == StockChangeKind.STOCK_CHANGE_KIND_EXPIRED && !change.getReservation().isEmpty()) {
                expired.add(change.getReservation());
            }
        }
        return expired;
    }

    private void handle(List<StockChange> batch, Map<StockKey, List<StockChange>> raised, Set<String> expired,
            boolean saveCursor) {
        if (!expired.isEmpty()) {
            for (SagaView order : store.reservationsExpired(expired)) {
                LOG.infof("order %s cancelled: its reservation expired before fulfilment", order.id());
            }
        }
        if (!raised.isEmpty()) {
            Set<StockKey> waiting = backorders.waitingAmong(raised.keySet());
            for (Map.Entry<StockKey, List<StockChange>> level : raised.entrySet()) {
                if (waiting.contains(level.getKey())) {
                    promoteBackorders(level.getKey(), level.getValue());
                }
            }
        }
        StockChange last = batch.get(batch.size() - 1);
        lastChangeTime.set(Instant.ofEpochSecond(last.getCreateTime().getSeconds(), last.getCreateTime().getNanos()));
        // Replaying changes after a restart is harmless (backorder retries are idempotent and stop at the
        // first order still short), so the cursor is saved at most once per interval, not once per batch.
        if (saveCursor) {
            Instant now = clock.instant();
            cursors.save(STREAM, last.getCursor(), now);
            lastSaved = now;
        }
    }

    /** One root span per stock level that has backorders waiting, linked to the inventory calls that raised it. */
    private void promoteBackorders(StockKey level, List<StockChange> changes) {
        SpanBuilder builder = tracer.spanBuilder(PROMOTE_SPAN).setNoParent()
                .setAttribute("meridian.location_id", level.locationId())
                .setAttribute("meridian.sku", level.sku())
                .setAttribute("meridian.stock_change.cursor", changes.get(changes.size() - 1).getCursor());
        for (StockChange change : changes) {
            SpanContext writer = writer(change);
            if (writer.isValid()) {
                builder.addLink(writer);
            }
        }
        Span span = builder.startSpan();
        try (Scope scope = span.makeCurrent()) {
            backorders.stockArrived(level.locationId(), level.sku());
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Span context of the inventory call that wrote the change; invalid when it was not traced. */
    private static SpanContext writer(StockChange change) {
        Context extracted = W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), change.getTraceparent(), TRACEPARENT);
        return Span.fromContext(extracted).getSpanContext();
    }
}
