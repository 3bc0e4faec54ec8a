package meridian.pricing.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.TransactionOrder;

/**
 * The price_change log behind WatchPrices and the cache sync, in {@link TransactionOrder}: appends take no
 * lock (upserts commit in parallel); readers get the changes of settled transactions by (tx, seq).
 */
@ApplicationScoped
public class PriceChangeLog {

    public record Entry(LogPosition position, byte[] change, Instant createTime) {
    }

    @Inject
    EntityManager em;

    /** Appends one change in the caller's transaction (tx defaults to that transaction's id). */
    public void append(byte[] change, Instant now) {
        em.createNativeQuery("INSERT INTO price_change (change, create_time) VALUES (:change, :now)")
                .setParameter("change", change).setParameter("now", now).executeUpdate();
    }

    /** Up to {@code limit} settled changes after {@code after}, in log order. */
    public List<Entry> readAfter(LogPosition after, int limit) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT " + TransactionOrder.POSITION_COLUMNS
                + ", change, create_time FROM price_change WHERE " + TransactionOrder.settledAfter(":tx", ":seq")
                + " ORDER BY " + TransactionOrder.ORDER_BY + " LIMIT :limit")
                .setParameter("tx", TransactionOrder.tx(after)).setParameter("seq", after.seq())
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new Entry(new LogPosition(Long.parseLong((String) r[0]), ((Number) r[1]).longValue()),
                (byte[]) r[2], toInstant(r[3]))).toList();
    }

    /** The position of a new reader: every change not visible yet comes after it. */
    public LogPosition head() {
        return TransactionOrder.watermark((String) em.createNativeQuery(TransactionOrder.WATERMARK_QUERY)
                .getSingleResult());
    }

    /**
     * Whether retention deleted the change at {@code after} while later ones remain: changes right after it may
     * be gone too, so a stream cannot resume there.
     */
    public boolean expired(LogPosition after) {
        return (Boolean) em.createNativeQuery(TransactionOrder.expiredQuery("price_change", ":tx", ":seq"))
                .setParameter("tx", TransactionOrder.tx(after)).setParameter("seq", after.seq()).getSingleResult();
    }

    /** Deletes the changes before {@code before} as a prefix of the log ({@link TransactionOrder#prunePrefix}). */
    public int prune(Instant before) {
        return em.createNativeQuery(TransactionOrder.prunePrefix("price_change", ":before"))
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
