package meridian.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.TransactionOrder;
import meridian.postgres.LocalPostgres;

/** The SQL fragments of {@link TransactionOrder} on a real PostgreSQL. */
class TransactionOrderTest {

    private static LocalPostgres postgres;
    private static Connection connection;

    @BeforeAll
    static void start() throws SQLException {
        postgres = LocalPostgres.startTemporary();
        connection = DriverManager.getConnection(postgres.jdbcUrl("postgres"), LocalPostgres.USER, "");
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE change_log (seq bigint PRIMARY KEY, tx xid8 NOT NULL, note text)");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        postgres.close();
    }

    /**
     * Transaction ids 9 and 10 sort the other way round as text: a reader ordering by the text form jumps to 10
     * first, and its next read, after 10, never sees 9. (Seen as pricing's slow watcher stopping for good when
     * the fresh test database's transaction ids went past 1,000.)
     */
    @Test
    void readsInNumericTransactionOrderAcrossAPowerOfTen() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("INSERT INTO change_log VALUES (1, '8', 'a'), (2, '10', 'c'), (3, '9', 'b'), (4, '10', 'd')");
        }
        List<String> delivered = new ArrayList<>();
        LogPosition position = new LogPosition(0, 0);
        List<LogPosition> batch;
        do {
            batch = readAfter(position, 1, delivered);
            if (!batch.isEmpty()) {
                position = batch.get(batch.size() - 1);
            }
        } while (!batch.isEmpty());
        assertThat(delivered).containsExactly("a", "b", "c", "d");
        assertThat(position).isEqualTo(new LogPosition(10, 4));
    }

    private static List<LogPosition> readAfter(LogPosition after, int limit, List<String> notes) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement("SELECT " + TransactionOrder.POSITION_COLUMNS
                + ", note FROM change_log WHERE " + TransactionOrder.settledAfter("?", "?") + " ORDER BY "
                + TransactionOrder.ORDER_BY + " LIMIT ?")) {
            int i = TransactionOrder.bind(read, 1, after);
            read.setInt(i, limit);
            List<LogPosition> positions = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    positions.add(TransactionOrder.position(rs, 1));
                    notes.add(rs.getString(3));
                }
            }
            return positions;
        }
    }
}
