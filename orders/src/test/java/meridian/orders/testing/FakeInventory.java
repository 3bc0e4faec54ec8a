package meridian.orders.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.Timestamp;
import com.google.rpc.PreconditionFailure;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.CommitReservationRequest;
import meridian.inventory.v1.CommitReservationResponse;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ReleaseReservationRequest;
import meridian.inventory.v1.ReleaseReservationResponse;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReservationState;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.ReserveStockResponse;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.StockChangeKind;
import meridian.inventory.v1.StockLevel;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;

/**
 * In-memory InventoryService with the contract's behaviour: stock per location and SKU, reservations
 * idempotent by request_id, a ledger streamed with cursors (which tests can drop), injectable faults.
 */
public class FakeInventory extends InventoryServiceGrpc.InventoryServiceImplBase {

    private static final String DOMAIN = "inventory.meridian";
    /** Index of the oldest ledger entry a watch may resume at. */
    private int retainedFrom;
    private boolean watchesRefused;

    public final Faults reserveFaults = new Faults();
    public final Faults releaseFaults = new Faults();
    public final Faults commitFaults = new Faults();
    /** Milliseconds the last ReserveStock had before its deadline; -1 without one. */
    public volatile long lastReserveBudgetMillis;

    private final Map<String, long[]> levels = new HashMap<>();
    private final Map<String, Reservation> byRequestId = new HashMap<>();
    private final Map<String, Reservation> byName = new HashMap<>();
    private final List<StockChange> ledger = new ArrayList<>();
    private final List<StreamObserver<WatchStockLevelsResponse>> watchers = new CopyOnWriteArrayList<>();

    // --- test controls ---

    /** Sets on-hand stock directly (setup, no ledger entry). */
    public synchronized void setStock(String location, String sku, long onHand) {
        levels.put(key(location, sku), new long[] { onHand, 0 });
    }

    public synchronized long available(String location, String sku) {
        long[] level = levels.get(key(location, sku));
        return level == null ? 0 : level[0] - level[1];
    }

    public synchronized long reserved(String location, String sku) {
        long[] level = levels.get(key(location, sku));
        return level == null ? 0 : level[1];
    }

    /** Names of the reservations ever made with {@code sku}. JDK types only: tests see this class through another class loader. */
    public synchronized List<String> reservationsWithSku(String sku) {
        return byName.values().stream().filter(r -> r.getLinesList().stream().anyMatch(l -> l.getSku().equals(sku)))
                .map(Reservation::getName).sorted().toList();
    }

    /** State of a reservation, such as "RESERVATION_STATE_ACTIVE". */
    public synchronized String reservationState(String name) {
        return byName.get(name).getState().name();
    }

    /** Ends every open stock stream with UNAVAILABLE, as a restarting inventory would. */
    public synchronized void dropWatchers() {
        for (StreamObserver<WatchStockLevelsResponse> w : watchers) {
            watchers.remove(w);
            try {
                w.onError(Status.UNAVAILABLE.withDescription("inventory restarting").asRuntimeException());
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** Lets an active reservation expire, as inventory's sweeper does after its TTL (stock changes included). */
    public synchronized void expire(String name) {
        letGo(found(name), StockChangeKind.STOCK_CHANGE_KIND_EXPIRED, ReservationState.RESERVATION_STATE_EXPIRED);
    }

    /** An active reservation's units go back to available (released or expired); returns it in its new state. */
    private Reservation letGo(Reservation r, StockChangeKind kind, ReservationState to) {
        for (ReservationLine line : r.getLinesList()) {
            levels.get(key(line.getLocationId(), line.getSku()))[1] -= line.getQuantity();
            append(kind, line.getLocationId(), line.getSku(), 0, -line.getQuantity(), r.getName());
        }
        Reservation ended = r.toBuilder().setState(to).build();
        byName.put(ended.getName(), ended);
        return ended;
    }

    /** Forgets the history so far, as retention does: a watch resuming from an earlier cursor is CURSOR_EXPIRED. */
    public synchronized void forgetHistory() {
        retainedFrom = ledger.size();
    }

    /** While refused, a new stock watch fails UNAVAILABLE at once (inventory restarting). */
    public synchronized void refuseWatches(boolean refused) {
        watchesRefused = refused;
    }

    public int watcherCount() {
        return watchers.size();
    }

    // --- RPCs ---

    @Override
    public void reserveStock(ReserveStockRequest request, StreamObserver<ReserveStockResponse> out) {
        Deadline deadline = Context.current().getDeadline();
        lastReserveBudgetMillis = deadline == null ? -1 : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            reserveFaults.before();
            Reservation reservation = reserve(request);
            reserveFaults.after();
            out.onNext(ReserveStockResponse.newBuilder().setReservation(reservation).build());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    private synchronized Reservation reserve(ReserveStockRequest request) {
        Reservation existing = byRequestId.get(request.getRequestId());
        if (existing != null) {
            return byName.get(existing.getName());
        }
        List<PreconditionFailure.Violation> shortLevels = new ArrayList<>();
        for (ReservationLine line : request.getLinesList()) {
            long[] level = levels.get(key(line.getLocationId(), line.getSku()));
            String name = "locations/" + line.getLocationId() + "/stockLevels/" + line.getSku();
            if (level == null) {
                throw FakeErrors.error(DOMAIN, Status.Code.NOT_FOUND, "NOT_FOUND", name + " does not exist",
                        Map.of("resource", name));
            }
            if (level[0] - level[1] < line.getQuantity()) {
                shortLevels.add(PreconditionFailure.Violation.newBuilder().setType("STOCK").setSubject(name)
                        .setDescription("requested " + line.getQuantity() + ", available " + (level[0] - level[1]))
                        .build());
            }
        }
        if (!shortLevels.isEmpty()) {
            throw FakeErrors.error(DOMAIN, Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_STOCK", "not enough stock",
                    Map.of(), PreconditionFailure.newBuilder().addAllViolations(shortLevels).build());
        }
        String name = "reservations/" + UUID.randomUUID();
        for (ReservationLine line : request.getLinesList()) {
            levels.get(key(line.getLocationId(), line.getSku()))[1] += line.getQuantity();
            append(StockChangeKind.STOCK_CHANGE_KIND_RESERVED, line.getLocationId(), line.getSku(), 0,
                    line.getQuantity(), name);
        }
        Reservation reservation = Reservation.newBuilder().setName(name).addAllLines(request.getLinesList())
                .setState(ReservationState.RESERVATION_STATE_ACTIVE).setRequestId(request.getRequestId()).build();
        byRequestId.put(request.getRequestId(), reservation);
        byName.put(name, reservation);
        return reservation;
    }

    @Override
    public void releaseReservation(ReleaseReservationRequest request, StreamObserver<ReleaseReservationResponse> out) {
        try {
            releaseFaults.before();
            Reservation released;
            synchronized (this) {
                Reservation r = found(request.getName());
                if (r.getState() == ReservationState.RESERVATION_STATE_COMMITTED) {
                    throw FakeErrors.error(DOMAIN, Status.Code.FAILED_PRECONDITION, "RESERVATION_COMMITTED",
                            "committed", Map.of());
                }
                if (r.getState() == ReservationState.RESERVATION_STATE_ACTIVE) {
                    r = letGo(r, StockChangeKind.STOCK_CHANGE_KIND_RELEASED,
                            ReservationState.RESERVATION_STATE_RELEASED);
                }
                released = r;
            }
            releaseFaults.after();
            out.onNext(ReleaseReservationResponse.newBuilder().setReservation(released).build());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public void commitReservation(CommitReservationRequest request, StreamObserver<CommitReservationResponse> out) {
        try {
            commitFaults.before();
            Reservation committed;
            synchronized (this) {
                Reservation r = found(request.getName());
                if (r.getState() == ReservationState.RESERVATION_STATE_RELEASED) {
                    throw FakeErrors.error(DOMAIN, Status.Code.FAILED_PRECONDITION, "RESERVATION_RELEASED",
                            "released", Map.of());
                }
                if (r.getState() == ReservationState.RESERVATION_STATE_EXPIRED) {
                    throw FakeErrors.error(DOMAIN, Status.Code.FAILED_PRECONDITION, "RESERVATION_EXPIRED",
                            "expired", Map.of());
                }
                if (r.getState() == ReservationState.RESERVATION_STATE_ACTIVE) {
                    for (ReservationLine line : r.getLinesList()) {
                        long[] level = levels.get(key(line.getLocationId(), line.getSku()));
                        level[0] -= line.getQuantity();
                        level[1] -= line.getQuantity();
                        append(StockChangeKind.STOCK_CHANGE_KIND_COMMITTED, line.getLocationId(), line.getSku(),
                                -line.getQuantity(), -line.getQuantity(), r.getName());
                    }
                    r = r.toBuilder().setState(ReservationState.RESERVATION_STATE_COMMITTED).build();
                    byName.put(r.getName(), r);
                }
                committed = r;
            }
            commitFaults.after();
            out.onNext(CommitReservationResponse.newBuilder().setReservation(committed).build());
            out.onCompleted();
        } catch (StatusRuntimeException e) {
            out.onError(e);
        }
    }

    @Override
    public StreamObserver<AdjustStockRequest> adjustStock(StreamObserver<AdjustStockResponse> out) {
        List<StockAdjustment> feed = new ArrayList<>();
        return new StreamObserver<>() {
            @Override
            public void onNext(AdjustStockRequest request) {
                feed.addAll(request.getAdjustmentsList());
            }

            @Override
            public void onError(Throwable t) {
                // a failed feed applies nothing
            }

            @Override
            public void onCompleted() {
                String cursor;
                synchronized (FakeInventory.this) {
                    for (StockAdjustment a : feed) {
                        levels.computeIfAbsent(key(a.getLocationId(), a.getSku()), k -> new long[2])[0] += a.getDelta();
                        append(StockChangeKind.STOCK_CHANGE_KIND_ADJUSTED, a.getLocationId(), a.getSku(),
                                a.getDelta(), 0, "");
                    }
                    cursor = cursor(ledger.size());
                }
                out.onNext(AdjustStockResponse.newBuilder().setReceivedCount(feed.size())
                        .setAppliedCount(feed.size()).setCursor(cursor).build());
                out.onCompleted();
            }
        };
    }

    @Override
    public void watchStockLevels(WatchStockLevelsRequest request, StreamObserver<WatchStockLevelsResponse> out) {
        synchronized (this) {
            if (watchesRefused) {
                out.onError(Status.UNAVAILABLE.withDescription("inventory restarting").asRuntimeException());
                return;
            }
            int from = ledger.size();
            if (!request.getStartCursor().isEmpty()) {
                from = Integer.parseInt(request.getStartCursor().substring("inv-".length()));
                if (from < retainedFrom) {
                    out.onError(FakeErrors.error(DOMAIN, Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED",
                            "the cursor is older than the retained history", Map.of()));
                    return;
                }
            }
            for (int i = from; i < ledger.size(); i++) {
                out.onNext(WatchStockLevelsResponse.newBuilder().setChange(ledger.get(i)).build());
            }
            watchers.add(out);
        }
        ((ServerCallStreamObserver<WatchStockLevelsResponse>) out).setOnCancelHandler(() -> watchers.remove(out));
    }

    private Reservation found(String name) {
        Reservation r = byName.get(name);
        if (r == null) {
            throw FakeErrors.error(DOMAIN, Status.Code.NOT_FOUND, "NOT_FOUND", name + " does not exist",
                    Map.of("resource", name));
        }
        return r;
    }

    /** Appends a ledger entry and pushes it to the open streams (holding the lock: pushes stay in order). */
    private void append(StockChangeKind kind, String location, String sku, long onHandDelta, long reservedDelta,
            String reservation) {
        long[] level = levels.get(key(location, sku));
        long seq = ledger.size() + 1;
        StockChange change = StockChange.newBuilder().setCursor(cursor(seq)).setKind(kind)
                .setOnHandDelta(onHandDelta).setReservedDelta(reservedDelta).setReservation(reservation)
                .setCreateTime(Timestamp.newBuilder().setSeconds(System.currentTimeMillis() / 1000))
                .setStockLevel(StockLevel.newBuilder().setName("locations/" + location + "/stockLevels/" + sku)
                        .setSku(sku).setLocationId(location).setOnHand(level[0]).setReserved(level[1])
                        .setAvailable(level[0] - level[1]).setVersion(seq))
                .build();
        ledger.add(change);
        for (StreamObserver<WatchStockLevelsResponse> w : watchers) {
            try {
                w.onNext(WatchStockLevelsResponse.newBuilder().setChange(change).build());
            } catch (RuntimeException e) {
                watchers.remove(w);
            }
        }
    }

    /** Cursor after ledger entry {@code seq} (1-based): resuming from it starts at index seq. */
    private static String cursor(long seq) {
        return "inv-" + seq;
    }

    private static String key(String location, String sku) {
        return location + "/" + sku;
    }
}
