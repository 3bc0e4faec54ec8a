package meridian.inventory.persistence;

import static meridian.inventory.persistence.StockLevelRepository.longs;
import static meridian.inventory.persistence.StockLevelRepository.texts;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import meridian.conventions.watch.CommitSignal;
import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.TransactionOrder;

/**
 * The stock ledger: appends in the writer's transaction, reads in {@link TransactionOrder} (entries of settled
 * transactions by (tx, seq)), so writers commit in parallel and a watcher resuming from a position never misses
 * or repeats an entry.
 */
@ApplicationScoped
public class LedgerRepository {

    private static final String COLUMNS = TransactionOrder.POSITION_COLUMNS + """
            , kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id,
            request_id, adjustment_reason, note, create_time, traceparent""";

    private final DataSource dataSource;
    private final TransactionSynchronizationRegistry transactions;
    private final CommitSignal signal;

    LedgerRepository(DataSource dataSource, TransactionSynchronizationRegistry transactions, CommitSignal signal) {
        this.dataSource = dataSource;
        this.transactions = transactions;
        this.signal = signal;
    }

    /**
     * Appends {@code rows} in order and sets each stock level they touch (locked by this transaction) to the
     * values after its last entry, with that entry's sequence as version, in the same statement; returns the
     * position of the last entry.
     */
    public LogPosition append(List<LedgerRow> rows, Instant now) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        try (Connection c = dataSource.getConnection()) {
            LogPosition last;
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
                      RETURNING seq, location_id, sku, on_hand_after, reserved_after, create_time),
                    latest AS (SELECT DISTINCT ON (location_id, sku) * FROM entry ORDER BY location_id, sku, seq DESC),
                    stamped AS (
                      UPDATE stock_level s SET on_hand = latest.on_hand_after, reserved = latest.reserved_after,
                                               version = latest.seq, update_time = latest.create_time
                      FROM latest WHERE s.location_id = latest.location_id AND s.sku = latest.sku)
                    SELECT pg_current_xact_id()::text, max(seq) FROM latest""")) {
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
                    last = TransactionOrder.position(rs, 1);
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

    /**
     * Up to {@code limit} settled entries after {@code after}, in ledger order, of the given locations and SKUs
     * (empty: all).
     */
    public List<LedgerEntry> after(LogPosition after, List<String> locationIds, List<String> skus, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM stock_ledger WHERE " + TransactionOrder.settledAfter("?", "?")
                + (locationIds.isEmpty() ? "" : " AND location_id = ANY (?)")
                + (skus.isEmpty() ? "" : " AND sku = ANY (?)")
                + " ORDER BY " + TransactionOrder.ORDER_BY + " LIMIT ?";
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(sql)) {
            int i = TransactionOrder.bind(select, 1, after);
            if (!locationIds.isEmpty()) {
                select.setArray(i++, texts(c, locationIds));
            }
            if (!skus.isEmpty()) {
                select.setArray(i++, texts(c, skus));
            }
            select.setInt(i, limit);
            List<LedgerEntry> entries = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    entries.add(new LedgerEntry(TransactionOrder.position(rs, 1), LedgerKind.valueOf(rs.getString(3)),
                            new StockKey(rs.getString(4), rs.getString(5)), rs.getLong(6), rs.getLong(7),
                            new StockValues(rs.getLong(8), rs.getLong(9)), rs.getObject(10, UUID.class),
                            rs.getObject(11, UUID.class), rs.getString(12), rs.getString(13),
                            rs.getTimestamp(14).toInstant(), rs.getString(15)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /**
     * The head for a new watcher: every entry not visible now comes after it (some visible ones may too, when
     * their transaction overlapped an older one still running).
     */
    public LogPosition head() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(TransactionOrder.WATERMARK_QUERY);
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return TransactionOrder.watermark(rs.getString(1));
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /** What one purge deleted: how many entries, and the position of the last (null when none). */
    public record Purged(int count, LogPosition last) {
    }

    /**
     * Deletes up to {@code limit} of the oldest settled entries written before {@code cutoff} and at or before
     * {@code through} (one set-based statement); the caller records the mark ({@link LedgerRetentionRepository}).
     */
    public Purged purge(Instant cutoff, LogPosition through, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("""
                        WITH gone AS (
                          DELETE FROM stock_ledger WHERE seq IN (
                            SELECT seq FROM stock_ledger WHERE create_time < ? AND %s AND %s
                            ORDER BY %s LIMIT ?)
                          RETURNING tx, seq)
                        SELECT (SELECT count(*) FROM gone), last.tx::text, last.seq
                        FROM (SELECT tx, seq FROM gone ORDER BY tx DESC, seq DESC LIMIT 1) last""".formatted(
                        TransactionOrder.SETTLED, TransactionOrder.atOrBefore("?", "?"), TransactionOrder.ORDER_BY))) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            int i = TransactionOrder.bind(delete, 2, through);
            delete.setInt(i, limit);
            try (ResultSet rs = delete.executeQuery()) {
                return rs.next() ? new Purged(rs.getInt(1), TransactionOrder.position(rs, 2)) : new Purged(0, null);
            }
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private void wakeWatchersAfterCommit() {
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            /** A rollback too: it may have been the oldest running transaction, holding back newer entries. */
            @Override
            public void afterCompletion(int status) {
                signal.committed();
            }
        });
    }
}
