package meridian.inventory.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A reservation and its lines, in request order. */
public record ReservationRecord(UUID id, UUID requestId, ReservationState state, Instant expireTime,
        Instant createTime, Instant updateTime, List<Line> lines) {

    /** One reserved stock level. */
    public record Line(StockKey key, long quantity) {
    }

    public ReservationRecord withState(ReservationState newState, Instant now) {
        return new ReservationRecord(id, requestId, newState, expireTime, createTime, now, lines);
    }
}
