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
import jakarta.persistence.LockModeType;

import org.hibernate.Timeouts;
import org.hibernate.jpa.AvailableHints;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

/**
 * Reservations. The writes and locking read of ReserveStock, CommitReservation and ReleaseReservation are plain
 * statements (measured paths); reads by id, counts and the sweeper's expiry go through {@link ReservationEntity}.
 * Call inside the caller's transaction.
 */
@ApplicationScoped
public class ReservationRepository implements PanacheRepositoryBase<ReservationEntity, UUID> {

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
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("""
                        SELECT id, request_id, state, expire_time, create_time, update_time
                        FROM reservation WHERE id = ? FOR UPDATE""")) {
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

    /** The reservation without locking; empty when unknown. */
    public Optional<ReservationRecord> get(UUID id) {
        return findByIdOptional(id).map(ReservationEntity::toRecord);
    }

    /** How many reservations are active. */
    public long countActive() {
        return count("state", ReservationState.ACTIVE);
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
     * Marks up to {@code limit} active reservations past their expiry as EXPIRED (flushed at commit) and returns
     * them as they were. SKIP LOCKED: reservations another transaction (a commit, another replica's sweeper)
     * holds are left to it.
     */
    public List<ReservationRecord> expireDue(Instant now, int limit) {
        List<ReservationEntity> due = find("state = ?1 and expireTime <= ?2", Sort.by("expireTime"),
                ReservationState.ACTIVE, now)
                .page(0, limit)
                .withLock(LockModeType.PESSIMISTIC_WRITE)
                .withHint(AvailableHints.HINT_SPEC_LOCK_TIMEOUT, Timeouts.SKIP_LOCKED_MILLI)
                .list();
        List<ReservationRecord> asTheyWere = due.stream().map(ReservationEntity::toRecord).toList();
        for (ReservationEntity r : due) {
            r.state = ReservationState.EXPIRED;
            r.updateTime = now;
        }
        return asTheyWere;
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
