package meridian.inventory.persistence;

import java.time.Instant;

/** A stock level as read: its values, the ledger sequence of its last change and when that was. */
public record StockLevelRow(StockKey key, StockValues values, long version, Instant updateTime) {
}
