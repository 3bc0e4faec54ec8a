package meridian.inventory.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import meridian.inventory.persistence.ReservationRecord;

/** ReserveStock in domain terms; {@code fingerprint} identifies the payload for idempotency. */
public record ReserveCommand(UUID requestId, String fingerprint, List<ReservationRecord.Line> lines,
        Optional<Duration> ttl) {
}
