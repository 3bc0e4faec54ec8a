package meridian.pricing.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/**
 * The price_change log behind WatchPrices. Sequence order equals commit order: writers take a
 * transaction advisory lock right before appending, as the last statement of their transaction.
 */
@ApplicationScoped
public class PriceChangeLog {

    /** pg_advisory_xact_lock key of this log ("price_change" in ASCII, fits 64 bits). */
    static final long LOCK_KEY = 0x7072696365_63L;

    public record Entry(long sequence, byte[] change, Instant createTime) {
    }

    @Inject
    EntityManager em;

    /** Appends one change; call as the last statement of the transaction. */
    public void append(byte[] change, Instant now) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:key)").setParameter("key", LOCK_KEY).getSingleResult();
        em.createNativeQuery("INSERT INTO price_change (change, create_time) VALUES (:change, :now)")
                .setParameter("change", change).setParameter("now", now).executeUpdate();
    }

    public List<Entry> readAfter(long afterSequence, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                "SELECT seq, change, create_time FROM price_change WHERE seq > :after ORDER BY seq LIMIT :limit")
                .setParameter("after", afterSequence).setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new Entry(((Number) r[0]).longValue(), (byte[]) r[1], toInstant(r[2])))
                .toList();
    }

    /** {oldest, newest} sequence retained, {0, 0} when empty. */
    public long[] bounds() {
        Object[] row = (Object[]) em.createNativeQuery(
                "SELECT COALESCE(MIN(seq), 0), COALESCE(MAX(seq), 0) FROM price_change").getSingleResult();
        return new long[] { ((Number) row[0]).longValue(), ((Number) row[1]).longValue() };
    }

    /**
     * Deletes the prefix of the log up to the newest entry older than {@code before}, so what remains is
     * contiguous; always keeps the newest entry (it anchors the cursor checks).
     */
    public int prune(Instant before) {
        return em.createNativeQuery("""
                DELETE FROM price_change
                WHERE seq <= (SELECT MAX(seq) FROM price_change WHERE create_time < :before)
                AND seq < (SELECT MAX(seq) FROM price_change)""")
                .setParameter("before", before).executeUpdate();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }
}
