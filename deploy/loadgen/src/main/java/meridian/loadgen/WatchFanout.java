package meridian.loadgen;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.google.protobuf.Timestamp;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;

/**
 * WatchStockLevels fan-out: {@code subscribers} streams watch one location while the load (this scenario's
 * operations) writes stock adjustments there. Every change should reach every subscriber; what is measured is the
 * events delivered per second and their lag (receipt minus the change's commit time, one clock: same machine).
 */
public final class WatchFanout implements Scenario {

    private final Channels writers;
    private final Catalog catalog;
    private final List<Context.CancellableContext> subscriptions = new ArrayList<>();
    private volatile RunStats events = new RunStats();

    public WatchFanout(Channels subscriberConnections, Channels writers, Catalog catalog, int subscribers) {
        this.writers = writers;
        this.catalog = catalog;
        WatchStockLevelsRequest request = WatchStockLevelsRequest.newBuilder().addLocationIds(catalog.location()).build();
        for (int i = 0; i < subscribers; i++) {
            Context.CancellableContext context = Context.current().withCancellation();
            subscriptions.add(context);
            InventoryServiceGrpc.InventoryServiceStub stub = InventoryServiceGrpc.newStub(subscriberConnections.get(i));
            context.run(() -> stub.watchStockLevels(request, new Subscriber()));
        }
    }

    @Override
    public String name() {
        return "WatchStockLevels fan-out";
    }

    @Override
    public String unit() {
        return "write";
    }

    /** The events recorded since the last call; recording continues into a fresh one. */
    public RunStats takeEvents() {
        RunStats taken = events;
        events = new RunStats();
        taken.tick();
        return taken;
    }

    @Override
    public void start(int connection, Completion done) {
        int sku = catalog.randomIndex();
        StreamObserver<AdjustStockRequest> feed = Unary.timed(InventoryServiceGrpc.newStub(writers.get(connection)))
                .adjustStock(Unary.observer(done, (AdjustStockResponse r) -> r.getAppliedCount() == 1));
        feed.onNext(AdjustStockRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .addAdjustments(StockAdjustment.newBuilder().setSku(catalog.sku(sku)).setLocationId(catalog.location())
                        .setDelta(1).setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED))
                .build());
        feed.onCompleted();
    }

    @Override
    public void close() {
        subscriptions.forEach(c -> c.cancel(null));
    }

    private final class Subscriber implements StreamObserver<WatchStockLevelsResponse> {

        @Override
        public void onNext(WatchStockLevelsResponse response) {
            RunStats stats = events;
            if (!catalog.location().equals(response.getChange().getStockLevel().getLocationId())) {
                stats.error(Outcomes.INVALID);
                return;
            }
            stats.ok(lagNanos(response.getChange().getCreateTime()));
        }

        @Override
        public void onError(Throwable t) {
            String code = Outcomes.code(t);
            if (!"CANCELLED".equals(code)) {
                events.error("SUBSCRIBER_" + code);
            }
        }

        @Override
        public void onCompleted() {
            events.error("SUBSCRIBER_ENDED");
        }
    }

    private static long lagNanos(Timestamp committed) {
        Instant now = Instant.now();
        return Math.max(1, (now.getEpochSecond() - committed.getSeconds()) * 1_000_000_000L + now.getNano() - committed.getNanos());
    }
}
