package meridian.inventory.persistence;

import java.time.Instant;
import java.util.UUID;

import meridian.conventions.watch.LogPosition;

/** A stock ledger entry as read by watch streams; nullable fields are null when the entry has none. */
public record LedgerEntry(LogPosition position, LedgerKind kind, StockKey key, long onHandDelta, long reservedDelta,
        StockValues after, UUID reservationId, UUID requestId, String adjustmentReason, String note,
        Instant createTime, String traceparent) {

    public long seq() {
        return position.seq();
    }
}
