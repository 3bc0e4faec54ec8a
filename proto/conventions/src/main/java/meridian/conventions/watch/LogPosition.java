package meridian.conventions.watch;

import java.util.Comparator;

/**
 * A position in a change log ordered by (writing transaction id, sequence): see {@link TransactionOrder}.
 * Entries written before a log adopted that order carry transaction 0, so a position {@code (0, n)} is the old
 * sequence-only position {@code n}.
 *
 * @param tx  the writing transaction's id (PostgreSQL xid8, never negative in practice)
 * @param seq the entry's sequence within the log
 */
public record LogPosition(long tx, long seq) implements Comparable<LogPosition> {

    private static final Comparator<LogPosition> ORDER = Comparator.comparingLong(LogPosition::tx)
            .thenComparingLong(LogPosition::seq);

    /** Before every entry. */
    public static final LogPosition START = new LogPosition(0, 0);

    /** After every entry (a bound for "all of them"). */
    public static final LogPosition END = new LogPosition(Long.MAX_VALUE, Long.MAX_VALUE);

    public LogPosition {
        if (tx < 0 || seq < 0) {
            throw new IllegalArgumentException("negative log position");
        }
    }

    @Override
    public int compareTo(LogPosition other) {
        return ORDER.compare(this, other);
    }
}
