package meridian.inventory.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Idempotency keys (AIP-155) in table idempotency_key, written in the transaction of the effect.
 * The primary key on request_id makes a concurrent duplicate wait for the first call's commit.
 */
@ApplicationScoped
public class IdempotencyKeyRepository {

    /** What an earlier call stored under a request_id. */
    public record StoredRequest(String operation, String fingerprint, byte[] response) {
    }

    private final DataSource dataSource;

    IdempotencyKeyRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records {@code requestId} with {@code response} (null: stored later with {@link #storeResponse}).
     * Empty when the key is new; otherwise what the earlier, committed call stored (a concurrent call
     * holding the key is waited for).
     */
    public Optional<StoredRequest> claim(UUID requestId, String operation, String fingerprint, byte[] response,
            Instant now) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO idempotency_key (request_id, operation, fingerprint, response, create_time)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""")) {
                insert.setObject(1, requestId);
                insert.setString(2, operation);
                insert.setString(3, fingerprint);
                insert.setBytes(4, response);
                insert.setTimestamp(5, Timestamp.from(now));
                if (insert.executeUpdate() == 1) {
                    return Optional.empty();
                }
            }
            return Optional.of(stored(c, requestId));
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /** What an earlier, committed call that claimed {@code requestId} stored; empty when none did. */
    public Optional<StoredRequest> find(UUID requestId) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, requestId);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /** What the earlier, committed call that claimed {@code requestId} stored. */
    public StoredRequest stored(UUID requestId) {
        try (Connection c = dataSource.getConnection()) {
            return stored(c, requestId);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    public void storeResponse(UUID requestId, byte[] response) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE idempotency_key SET response = ? WHERE request_id = ?")) {
            update.setBytes(1, response);
            update.setObject(2, requestId);
            update.executeUpdate();
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private static StoredRequest stored(Connection c, UUID requestId) throws SQLException {
        return find(c, requestId).orElseThrow(() -> new IllegalStateException("idempotency key vanished: " + requestId));
    }

    private static Optional<StoredRequest> find(Connection c, UUID requestId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT operation, fingerprint, response FROM idempotency_key WHERE request_id = ?")) {
            select.setObject(1, requestId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new StoredRequest(rs.getString(1), rs.getString(2), rs.getBytes(3)))
                        : Optional.empty();
            }
        }
    }
}
