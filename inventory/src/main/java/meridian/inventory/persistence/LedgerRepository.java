package meridian.inventory.persistence;

import static meridian.inventory.persistence.StockLevelRepository.longs;
import static meridian.inventory.persistence.StockLevelRepository.texts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import meridian.conventions.watch.CommitSignal;

/**
 * Appends to the stock ledger. Sequence order equals commit order: the rows are inserted under a
 * transaction-scoped advisory lock, as the last statement before commit, so a watcher that has read
 * sequence n never sees a smaller one commit later.
 */
@ApplicationScoped
public class LedgerRepository {

    /** Advisory lock key of the stock ledger (any constant unique within the database). */
    static final long LEDGER_LOCK = 0x1A7E_D6E5L;

    private final DataSource dataSource;
    private final TransactionSynchronizationRegistry transactions;
    private final CommitSignal signal;

    LedgerRepository(DataSource dataSource, TransactionSynchronizationRegistry transactions, CommitSignal signal) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.signal = signal;
    }

    /**
     * Appends {@code rows} in order and stamps their stock levels' version with the sequence of their
     * last entry; returns the last sequence. Call as the last write of the transaction.
     */
    public long append(List<LedgerRow> rows, Instant now) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                lock.setLong(1, LEDGER_LOCK);
                lock.execute();
            }
            long last;
            try (PreparedStatement insert = c.prepareStatement("""
                    WITH entry AS (
                      INSERT INTO stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after,
                                                reserved_after, reservation_id, request_id, adjustment_reason, note,
                                                create_time, traceparent)
                      SELECT v.kind, v.location_id, v.sku, v.on_hand_delta, v.reserved_delta, v.on_hand_after,
                             v.reserved_after, v.reservation_id::uuid, v.request_id::uuid, v.adjustment_reason, v.note, ?,
                             ?::text
                      FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                                  ?::text[], ?::text[], ?::text[], ?::text[])
                           WITH ORDINALITY AS v(kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after,
                                                reserved_after, reservation_id, request_id, adjustment_reason, note, ord)
                      ORDER BY v.ord
                      RETURNING seq, location_id, sku),
                    latest AS (SELECT location_id, sku, max(seq) AS seq FROM entry GROUP BY location_id, sku),
                    stamped AS (
                      UPDATE stock_level s SET version = latest.seq FROM latest
                      WHERE s.location_id = latest.location_id AND s.sku = latest.sku)
                    SELECT max(seq) FROM latest""")) {
                insert.setTimestamp(1, Timestamp.from(now));
                insert.setString(2, currentTraceparent());
                insert.setArray(3, texts(c, rows.stream().map(r -> r.kind().name()).toList()));
                insert.setArray(4, texts(c, rows.stream().map(r -> r.key().locationId()).toList()));
                insert.setArray(5, texts(c, rows.stream().map(r -> r.key().sku()).toList()));
                insert.setArray(6, longs(c, rows.stream().map(LedgerRow::onHandDelta).toList()));
                insert.setArray(7, longs(c, rows.stream().map(LedgerRow::reservedDelta).toList()));
                insert.setArray(8, longs(c, rows.stream().map(r -> r.after().onHand()).toList()));
                insert.setArray(9, longs(c, rows.stream().map(r -> r.after().reserved()).toList()));
                insert.setArray(10, texts(c, rows.stream().map(r -> Objects.toString(r.reservationId(), null)).toList()));
                insert.setArray(11, texts(c, rows.stream().map(r -> Objects.toString(r.requestId(), null)).toList()));
                insert.setArray(12, texts(c, rows.stream().map(LedgerRow::adjustmentReason).toList()));
                insert.setArray(13, texts(c, rows.stream().map(LedgerRow::note).toList()));
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    last = rs.getLong(1);
                }
            }
            wakeWatchersAfterCommit();
            return last;
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /**
     * W3C traceparent of the current span, stored with the entries so watchers can link what they trigger to
     * the writing call; null when that span is not sampled (a link to it would point at nothing exported).
     */
    static String currentTraceparent() {
        SpanContext span = Span.current().getSpanContext();
        if (!span.isValid() || !span.isSampled()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** Sequence of the newest entry (or of the last purged one when the ledger is empty). */
    public long head() {
        return queryLong("SELECT coalesce((SELECT max(seq) FROM stock_ledger), "
                + "(SELECT purged_through FROM stock_ledger_retention))");
    }

    /** Entries up to this sequence were purged by retention: a cursor below it cannot resume. */
    public long purgedThrough() {
        return queryLong("SELECT purged_through FROM stock_ledger_retention");
    }

    /**
     * Deletes up to {@code limit} of the oldest entries written before {@code cutoff} and at or below
     * {@code maxSequence}; returns how many.
     */
    public int purge(Instant cutoff, long maxSequence, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("""
                        WITH gone AS (
                          DELETE FROM stock_ledger WHERE seq IN (
                            SELECT seq FROM stock_ledger WHERE create_time < ? AND seq <= ? ORDER BY seq LIMIT ?)
                          RETURNING seq)
                        UPDATE stock_ledger_retention SET purged_through = greatest(purged_through, (SELECT max(seq) FROM gone))
                        WHERE EXISTS (SELECT 1 FROM gone)
                        RETURNING (SELECT count(*) FROM gone)""")) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            delete.setLong(2, maxSequence);
            delete.setInt(3, limit);
            try (ResultSet rs = delete.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private long queryLong(String sql) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(sql);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private void wakeWatchersAfterCommit() {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    signal.committed();
                }
            }
        });
    }
}
