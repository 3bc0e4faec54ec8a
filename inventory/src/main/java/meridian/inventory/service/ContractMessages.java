package meridian.inventory.service;

import java.time.Instant;
import java.util.UUID;

import com.google.protobuf.Timestamp;

import meridian.conventions.watch.Cursors;
import meridian.inventory.persistence.LedgerEntry;
import meridian.inventory.persistence.ReservationRecord;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.persistence.StockLevelRow;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReservationState;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.StockChangeKind;
import meridian.inventory.v1.StockLevel;

/**
 * Contract messages of inventory records. The service layer builds responses itself because
 * idempotent mutations store the exact response they gave (AIP-155).
 */
public final class ContractMessages {

    /** Cursors of the stock ledger watch stream. */
    public static final Cursors CURSORS = new Cursors("inventory.stock-ledger");

    private static final String RESERVATION_PREFIX = "reservations/";

    private ContractMessages() {
    }

    public static String stockLevelName(StockKey key) {
        // Concatenation, not String.format: it runs for every stock level read or changed.
        return "locations/" + key.locationId() + "/stockLevels/" + key.sku();
    }

    /** The key of a name already checked against the contract's pattern. */
    public static StockKey stockKey(String stockLevelName) {
        String[] parts = stockLevelName.split("/");
        return new StockKey(parts[1], parts[3]);
    }

    public static String reservationName(UUID id) {
        return RESERVATION_PREFIX + id;
    }

    public static StockLevel stockLevel(StockLevelRow s) {
        StockKey key = s.key();
        return StockLevel.newBuilder()
                .setName(stockLevelName(key))
                .setSku(key.sku())
                .setLocationId(key.locationId())
                .setOnHand(s.values().onHand())
                .setReserved(s.values().reserved())
                .setAvailable(s.values().available())
                .setVersion(s.version())
                .setUpdateTime(timestamp(s.updateTime()))
                .build();
    }

    public static Reservation reservation(ReservationRecord r) {
        Reservation.Builder b = Reservation.newBuilder()
                .setName(reservationName(r.id()))
                .setState(ReservationState.valueOf("RESERVATION_STATE_" + r.state().name()))
                .setRequestId(r.requestId().toString())
                .setExpireTime(timestamp(r.expireTime()))
                .setCreateTime(timestamp(r.createTime()))
                .setUpdateTime(timestamp(r.updateTime()));
        for (ReservationRecord.Line line : r.lines()) {
            b.addLines(ReservationLine.newBuilder().setSku(line.key().sku())
                    .setLocationId(line.key().locationId()).setQuantity(line.quantity()));
        }
        return b.build();
    }

    public static StockChange change(LedgerEntry e) {
        StockKey key = e.key();
        StockChange.Builder b = StockChange.newBuilder()
                .setCursor(CURSORS.encode(e.position()))
                .setKind(StockChangeKind.valueOf("STOCK_CHANGE_KIND_" + e.kind().name()))
                .setOnHandDelta(e.onHandDelta())
                .setReservedDelta(e.reservedDelta())
                .setStockLevel(StockLevel.newBuilder()
                        .setName(stockLevelName(key))
                        .setSku(key.sku())
                        .setLocationId(key.locationId())
                        .setOnHand(e.after().onHand())
                        .setReserved(e.after().reserved())
                        .setAvailable(e.after().available())
                        .setVersion(e.seq())
                        .setUpdateTime(timestamp(e.createTime())))
                .setCreateTime(timestamp(e.createTime()));
        if (e.reservationId() != null) {
            b.setReservation(reservationName(e.reservationId()));
        }
        if (e.requestId() != null) {
            b.setRequestId(e.requestId().toString());
        }
        if (e.adjustmentReason() != null) {
            b.setAdjustmentReason(AdjustmentReason.valueOf("ADJUSTMENT_REASON_" + e.adjustmentReason()));
        }
        if (e.traceparent() != null) {
            b.setTraceparent(e.traceparent());
        }
        return b.build();
    }

    /** Ledger column value of an adjustment reason: its name without prefix. */
    public static String ledgerReason(AdjustmentReason reason) {
        return reason.name().substring("ADJUSTMENT_REASON_".length());
    }

    public static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
