package meridian.inventory.persistence;

import java.util.UUID;

/** A ledger entry to append: the change of one stock level and its values right after it. */
public record LedgerRow(LedgerKind kind, StockKey key, long onHandDelta, long reservedDelta, StockValues after,
        UUID reservationId, UUID requestId, String adjustmentReason, String note) {
}
