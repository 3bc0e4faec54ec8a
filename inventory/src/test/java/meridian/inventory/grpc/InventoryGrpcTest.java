package meridian.inventory.grpc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.BeforeAll;

import meridian.testing.AppChannelTest;

/** A test class calling the inventory app under test through the app channel and an {@link InventoryClient}. */
abstract class InventoryGrpcTest extends AppChannelTest {

    static InventoryClient client;

    @BeforeAll
    static void createClient() {
        client = new InventoryClient(channel);
    }

    /** Whether a session other than {@code holder} waits for a lock that {@code holder}'s session holds. */
    static boolean waitingForRowLock(Connection holder) throws SQLException {
        // pg_stat_activity is a snapshot kept for the holder's whole transaction: a backend that connected after
        // the first poll (the pool growing for the waiter) would never be seen without clearing it.
        try (PreparedStatement clear = holder.prepareStatement("SELECT pg_stat_clear_snapshot()")) {
            clear.execute();
        }
        try (PreparedStatement select = holder.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Locks one stock level row in {@code holder}'s open transaction, so writers of that row wait. */
    static void lockStockLevel(Connection holder, String location, String sku) throws SQLException {
        holder.setAutoCommit(false);
        try (PreparedStatement lock = holder.prepareStatement(
                "SELECT 1 FROM stock_level WHERE location_id = ? AND sku = ? FOR UPDATE")) {
            lock.setString(1, location);
            lock.setString(2, sku);
            lock.executeQuery().close();
        }
    }
}
