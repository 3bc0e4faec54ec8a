package meridian.orders.persistence;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** The append-only order event log. Callers own the transaction (and flush their entity changes before appending). */
@ApplicationScoped
public class OrderEventLog {

    /** pg_advisory_xact_lock key of this log: serialises appends so seq order is commit order. */
    static final long APPEND_LOCK = 0x6f72646572735f31L;

    private final EntityManager em;
    private final Jdbc jdbc;
    private final AtomicLong rowsRead = new AtomicLong();

    public OrderEventLog(EntityManager em, Jdbc jdbc) {
        this.em = em;
        this.jdbc = jdbc;
    }

    /**
     * Appends one event. Must be the last statement of its transaction: the lock that makes seq order
     * equal commit order is then held only for this insert and the commit. One statement: the lock is taken
     * before the row (and its seq) is produced.
     */
    public void append(UUID orderId, String customerId, OrderStatus from, OrderStatus to, String message,
            byte[] snapshot, Instant now) {
        jdbc.update("""
                INSERT INTO order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time)
                SELECT ?, ?, ?, ?, ?, ?, ? FROM pg_advisory_xact_lock(?)""", s -> {
            s.setObject(1, orderId);
            s.setString(2, customerId);
            s.setString(3, from == null ? "UNSPECIFIED" : from.name());
            s.setString(4, to.name());
            s.setString(5, message);
            s.setBytes(6, snapshot);
            s.setObject(7, Jdbc.time(now));
            s.setLong(8, APPEND_LOCK);
        });
    }

    /** Up to {@code limit} events after {@code afterSeq}, ascending, optionally of one customer. */
    public List<OrderEventEntity> read(long afterSeq, String customerId, int limit) {
        List<OrderEventEntity> rows = customerId.isEmpty()
                ? OrderEventEntity.find("seq > ?1 order by seq", afterSeq).page(0, limit).list()
                : OrderEventEntity.find("customerId = ?1 and seq > ?2 order by seq", customerId, afterSeq)
                        .page(0, limit).list();
        rowsRead.addAndGet(rows.size());
        return rows;
    }

    /** Sequence of the newest event, 0 when the log is empty. */
    public long head() {
        Long max = em.createQuery("select max(e.seq) from OrderEventEntity e", Long.class).getSingleResult();
        return max == null ? 0 : max;
    }

    /** Sequence of the oldest retained event, empty when the log is empty. */
    public OptionalLong oldest() {
        Long min = em.createQuery("select min(e.seq) from OrderEventEntity e", Long.class).getSingleResult();
        return min == null ? OptionalLong.empty() : OptionalLong.of(min);
    }

    public long deleteOlderThan(Instant cutoff) {
        return OrderEventEntity.delete("createTime < ?1", cutoff);
    }

    /** Rows read by watch streams since start: lets tests see that a slow reader does not make the server read ahead. */
    public long rowsRead() {
        return rowsRead.get();
    }
}
