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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

/** Writes of reservations (plain JDBC, inside the caller's transaction). */
@ApplicationScoped
public class ReservationRepository {

    private final DataSource dataSource;

    ReservationRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts the reservation and its lines in one statement. */
    public void insert(ReservationRecord r) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        WITH r AS (
                          INSERT INTO reservation (id, request_id, state, expire_time, create_time, update_time)
                          VALUES (?, ?, ?, ?, ?, ?) RETURNING id)
                        INSERT INTO reservation_line (reservation_id, line_no, location_id, sku, quantity)
                        SELECT r.id, l.ord - 1, l.location_id, l.sku, l.quantity
                        FROM r, unnest(?::text[], ?::text[], ?::bigint[]) WITH ORDINALITY AS l(location_id, sku, quantity, ord)""")) {
            insert.setObject(1, r.id());
            insert.setObject(2, r.requestId());
            insert.setString(3, r.state().name());
            insert.setTimestamp(4, Timestamp.from(r.expireTime()));
            insert.setTimestamp(5, Timestamp.from(r.createTime()));
            insert.setTimestamp(6, Timestamp.from(r.updateTime()));
            insert.setArray(7, texts(c, r.lines().stream().map(l -> l.key().locationId()).toList()));
            insert.setArray(8, texts(c, r.lines().stream().map(l -> l.key().sku()).toList()));
            insert.setArray(9, longs(c, r.lines().stream().map(ReservationRecord.Line::quantity).toList()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /** The reservation, locked until the end of the transaction; empty when unknown. */
    public Optional<ReservationRecord> lock(UUID id) {
        return read(id, " FOR UPDATE");
    }

    /** The reservation without locking; empty when unknown. */
    public Optional<ReservationRecord> find(UUID id) {
        return read(id, "");
    }

    /** How many reservations are active. */
    public long countActive() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT count(*) FROM reservation WHERE state = 'ACTIVE'");
                ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private Optional<ReservationRecord> read(UUID id, String locking) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("""
                        SELECT id, request_id, state, expire_time, create_time, update_time
                        FROM reservation WHERE id = ?""" + locking)) {
            select.setObject(1, id);
            List<ReservationRecord> found = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    found.add(record(rs));
                }
            }
            return withLines(c, found).stream().findFirst();
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    public void updateState(UUID id, ReservationState state, Instant now) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE reservation SET state = ?, update_time = ? WHERE id = ?")) {
            update.setString(1, state.name());
            update.setTimestamp(2, Timestamp.from(now));
            update.setObject(3, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /**
     * Marks up to {@code limit} active reservations past their expiry as EXPIRED and returns them as
     * they were. SKIP LOCKED: reservations another transaction (a commit, another replica's sweeper)
     * holds are left to it.
     */
    public List<ReservationRecord> expireDue(Instant now, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement("""
                        UPDATE reservation r SET state = 'EXPIRED', update_time = ?
                        FROM (SELECT id FROM reservation WHERE state = 'ACTIVE' AND expire_time <= ?
                              ORDER BY expire_time LIMIT ? FOR UPDATE SKIP LOCKED) due
                        WHERE r.id = due.id
                        RETURNING r.id, r.request_id, 'ACTIVE', r.expire_time, r.create_time, r.update_time""")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setTimestamp(2, Timestamp.from(now));
            update.setInt(3, limit);
            List<ReservationRecord> expired = new ArrayList<>();
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    expired.add(record(rs));
                }
            }
            return withLines(c, expired);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    private static ReservationRecord record(ResultSet rs) throws SQLException {
        return new ReservationRecord(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                ReservationState.valueOf(rs.getString(3)), rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), List.of());
    }

    private static List<ReservationRecord> withLines(Connection c, List<ReservationRecord> reservations)
            throws SQLException {
        if (reservations.isEmpty()) {
            return reservations;
        }
        Map<UUID, List<ReservationRecord.Line>> lines = new LinkedHashMap<>();
        reservations.forEach(r -> lines.put(r.id(), new ArrayList<>()));
        try (PreparedStatement select = c.prepareStatement("""
                SELECT reservation_id, location_id, sku, quantity FROM reservation_line
                WHERE reservation_id = ANY (?) ORDER BY reservation_id, line_no""")) {
            select.setArray(1, c.createArrayOf("uuid", lines.keySet().toArray()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    lines.get(rs.getObject(1, UUID.class)).add(new ReservationRecord.Line(
                            new StockKey(rs.getString(2), rs.getString(3)), rs.getLong(4)));
                }
            }
        }
        return reservations.stream().map(r -> new ReservationRecord(r.id(), r.requestId(), r.state(),
                r.expireTime(), r.createTime(), r.updateTime(), List.copyOf(lines.get(r.id())))).toList();
    }
}
