package meridian.orders.persistence;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.TransactionOrder;

/**
 * The append-only order event log, in {@link TransactionOrder}: appends take no lock (writers commit in
 * parallel), watchers read the events of settled transactions by (tx, seq) and resume from that position.
 * Appends run in the caller's transaction; reads are single statements.
 */
@ApplicationScoped
public class OrderEventLog {

    /** One event as stored. */
    public record Entry(LogPosition position, UUID orderId, String customerId, String fromState, String toState,
            String message, byte[] snapshot, Instant createTime) {
    }

    private final Jdbc jdbc;
    private final AtomicLong rowsRead = new AtomicLong();

    public OrderEventLog(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** An event to append: the change of one order and the order right after it (serialized). */
    public record NewEvent(UUID orderId, String customerId, OrderStatus from, OrderStatus to, String message,
            byte[] snapshot, Instant time) {

        /** Binds its seven values (see {@link OrderEventLog#appendFor}) from {@code index}; returns the next index. */
        public int bind(PreparedStatement s, int index) throws SQLException {
            s.setObject(index, orderId);
            s.setString(index + 1, customerId);
            s.setString(index + 2, from == null ? "UNSPECIFIED" : from.name());
            s.setString(index + 3, to.name());
            s.setString(index + 4, message);
            s.setBytes(index + 5, snapshot);
            s.setObject(index + 6, Jdbc.time(time));
            return index + 7;
        }
    }

    private static final String INSERT = """
            INSERT INTO order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time)
            """;
    private static final String APPEND = INSERT + "VALUES (?, ?, ?, ?, ?, ?, ?)";

    /**
     * An INSERT appending a {@link NewEvent} once per row of {@code source} (a CTE of the same statement): the event
     * of a change made by that statement, only if it made it. tx defaults to the statement's transaction id.
     */
    public static String appendFor(String source) {
        return INSERT + "SELECT ?, ?, ?, ?, ?, ?, ? FROM " + source;
    }

    /** Appends one event in the caller's transaction (tx defaults to that transaction's id). */
    public void append(NewEvent event) {
        jdbc.update(APPEND, s -> event.bind(s, 1));
    }

    /** Up to {@code limit} settled events after {@code after}, in log order, optionally of one customer. */
    public List<Entry> read(LogPosition after, String customerId, int limit) {
        List<Entry> rows = jdbc.query("SELECT " + TransactionOrder.POSITION_COLUMNS
                + ", order_id, customer_id, from_state, to_state, message, snapshot, create_time FROM order_event WHERE "
                + TransactionOrder.settledAfter("?", "?") + (customerId.isEmpty() ? "" : " AND customer_id = ?")
                + " ORDER BY " + TransactionOrder.ORDER_BY + " LIMIT ?", s -> {
                    int i = TransactionOrder.bind(s, 1, after);
                    if (!customerId.isEmpty()) {
                        s.setString(i++, customerId);
                    }
                    s.setInt(i, limit);
                }, rs -> new Entry(TransactionOrder.position(rs, 1), rs.getObject(3, UUID.class), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getBytes(8),
                        rs.getTimestamp(9).toInstant()));
        rowsRead.addAndGet(rows.size());
        return rows;
    }

    /** The position of a new watcher: every event not visible yet comes after it. */
    public LogPosition head() {
        return jdbc.query(TransactionOrder.WATERMARK_QUERY, s -> {
        }, rs -> TransactionOrder.watermark(rs.getString(1))).get(0);
    }

    /**
     * Whether retention deleted the event at {@code after} while later ones remain: events right after it may
     * be gone too, so the stream cannot resume there.
     */
    public boolean expired(LogPosition after) {
        if (after.equals(LogPosition.START)) {
            return false;
        }
        return jdbc.query(TransactionOrder.expiredQuery("order_event", "?", "?"), s -> {
            TransactionOrder.bind(s, TransactionOrder.bind(s, 1, after), after);
        }, rs -> rs.getBoolean(1)).get(0);
    }

    /** Retention: deletes the events before {@code cutoff} as a prefix of the log ({@link TransactionOrder#prunePrefix}). */
    public long deleteOlderThan(Instant cutoff) {
        return jdbc.update(TransactionOrder.prunePrefix("order_event", "?"), s -> s.setObject(1, Jdbc.time(cutoff)));
    }

    /** Rows read by watch streams since start: lets tests see that a slow reader does not make the server read ahead. */
    public long rowsRead() {
        return rowsRead.get();
    }
}
