package meridian.conventions.watch;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Orders a PostgreSQL change log so watchers resume without gap or duplicate while writers commit in parallel
 * (no lock held through the commit flush, so commits group).
 *
 * Each row stores its writer's transaction id, in a column {@code tx xid8 NOT NULL DEFAULT pg_current_xact_id()}
 * (added to an existing log with default {@code '0'} first, so old rows keep their sequence-only cursors, see
 * {@link Cursors}), indexed on {@code (tx, seq)}. A reader delivers only rows whose transaction
 * is older than the oldest one still running ({@link #SETTLED}): such transactions have all ended, so no row can
 * appear before a delivered one later, and ordering by {@code (tx, seq)} is stable. The cursor is that pair
 * ({@link LogPosition}). A row becomes visible to watchers once every transaction that started writing before
 * its own has ended (in the whole cluster: a long write transaction in another database delays it too).
 *
 * The log's sequence column must be named {@code seq}. SQL fragments take the placeholder text of their
 * parameters, so they work with JDBC ({@code "?"}) and JPA native queries ({@code ":tx"}); bind the transaction
 * with {@link #tx(LogPosition)} (a string, cast to xid8 in SQL) and the sequence as a long.
 */
public final class TransactionOrder {

    /** Rows whose writing transaction has ended and no older one is running. */
    public static final String SETTLED = "tx < pg_snapshot_xmin(pg_current_snapshot())";

    /** The order of delivery. */
    public static final String ORDER_BY = "tx, seq";

    /**
     * Select-list expressions of a row's position: read with {@link #position(ResultSet, int)}. The text form gets
     * its own name: left as {@code tx}, {@link #ORDER_BY} would sort by the text ("1000" before "999") and a reader
     * crossing a power of ten in transaction ids would skip every entry in between.
     */
    public static final String POSITION_COLUMNS = "tx::text AS position_tx, seq";

    /**
     * The position everything not yet settled comes after: rows visible in this statement's snapshot may follow
     * it too (they were written by transactions that overlapped older running ones), rows not visible always do.
     */
    public static final String WATERMARK_QUERY = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text";

    private TransactionOrder() {
    }

    /** Settled rows after {@code (txParam, seqParam)}: append {@code ORDER BY} {@link #ORDER_BY}. */
    public static String settledAfter(String txParam, String seqParam) {
        return SETTLED + " AND (tx, seq) > (CAST(" + txParam + " AS xid8), " + seqParam + ")";
    }

    /**
     * A query of one boolean: whether retention deleted the row at {@code (txParam, seqParam)} of {@code table}
     * while later rows remain, so a reader cannot resume there (CURSOR_EXPIRED). Each parameter appears twice.
     */
    public static String expiredQuery(String table, String txParam, String seqParam) {
        String at = "(CAST(" + txParam + " AS xid8), " + seqParam + ")";
        return "SELECT NOT EXISTS (SELECT 1 FROM " + table + " WHERE (tx, seq) = " + at + ")"
                + " AND EXISTS (SELECT 1 FROM " + table + " WHERE (tx, seq) > " + at + ")";
    }

    /**
     * Retention as one DELETE: the prefix of {@code table}, in log order, up to its newest row written (column
     * {@code create_time}) before {@code cutoffParam}. What remains is contiguous, so a reader resumes without a
     * gap or is told its cursor expired; deleting by time alone could leave an older-stamped row of a later
     * transaction behind a deleted one. The newest row always stays: with no row after a deleted cursor,
     * {@link #expiredQuery} could not tell it expired. The log needs an index on {@code create_time}.
     */
    public static String prunePrefix(String table, String cutoffParam) {
        // The old rows are found by time (the table's create_time index) and materialized: asked for the newest
        // old row in log order directly, PostgreSQL walks the (tx, seq) index backwards through every retained row.
        return """
                WITH old AS MATERIALIZED (SELECT tx, seq FROM %1$s WHERE create_time < %2$s)
                DELETE FROM %1$s
                WHERE (tx, seq) <= (SELECT tx, seq FROM old ORDER BY tx DESC, seq DESC LIMIT 1)
                  AND (tx, seq) < (SELECT tx, seq FROM %1$s ORDER BY tx DESC, seq DESC LIMIT 1)""".formatted(table,
                cutoffParam);
    }

    /** Rows at or before {@code (txParam, seqParam)} (retention). */
    public static String atOrBefore(String txParam, String seqParam) {
        return "(tx, seq) <= (CAST(" + txParam + " AS xid8), " + seqParam + ")";
    }

    /** The transaction id parameter of {@code position}. */
    public static String tx(LogPosition position) {
        return Long.toString(position.tx());
    }

    /** Binds {@code position} at {@code index} (tx) and {@code index + 1} (seq); returns the next index. */
    public static int bind(PreparedStatement statement, int index, LogPosition position) throws SQLException {
        statement.setString(index, tx(position));
        statement.setLong(index + 1, position.seq());
        return index + 2;
    }

    /** The position in columns {@code column} (tx as text) and {@code column + 1} (seq). */
    public static LogPosition position(ResultSet rs, int column) throws SQLException {
        return new LogPosition(Long.parseLong(rs.getString(column)), rs.getLong(column + 1));
    }

    /** The watermark as a position: before every row not settled yet (see {@link #WATERMARK_QUERY}). */
    public static LogPosition watermark(String xminText) {
        return new LogPosition(Long.parseLong(xminText), 0);
    }
}
