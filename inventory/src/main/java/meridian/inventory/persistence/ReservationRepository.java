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
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.hibernate.Timeouts;
import org.hibernate.jpa.AvailableHints;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import meridian.conventions.watch.CommitSignal;

/**
 * Reservations. The writes and locking read of ReserveStock, CommitReservation and ReleaseReservation are plain
 * statements (measured paths); reads by id, counts and the sweeper's expiry go through {@link ReservationEntity}.
 * Call inside the caller's transaction.
 */
@ApplicationScoped
public class ReservationRepository implements PanacheRepositoryBase<ReservationEntity, UUID> {

    private final DataSource dataSource;
    private final CommitSignal ledgerSignal;

    ReservationRepository(DataSource dataSource, CommitSignal ledgerSignal) {
        this.dataSource = dataSource;
        this.ledgerSignal = ledgerSignal;
    }

    /**
     * What {@link #reserve} did: {@code available} holds each line's available units as locked (request order; null
     * for an unknown stock level); the reservation was made ({@code reserved}) only if every line had enough and
     * the request_id was not claimed before. Not reserved: nothing was written.
     */
    public record Reserved(boolean reserved, List<Long> available) {
    }

    /**
     * ReserveStock in one statement, on its own (autocommit: one round trip, no BEGIN/COMMIT): locks the lines'
     * stock levels in (location, SKU) order, and only if every line has enough available claims the idempotency
     * key, inserts the reservation with its lines, appends the ledger entries and sets the stock levels to the
     * values after them, each entry's sequence as version. The claim comes after the locks, so a refused
     * reservation writes nothing (the key stays free for a retry) and a transaction waiting on a key holds every
     * lock it will take: a duplicate of a call in progress waits on the stock levels' locks, then finds the key
     * taken (ON CONFLICT waits for the holder's commit) and claims nothing. So a duplicate refused for stock ran
     * after the first call ended, and the caller finds the key committed if the first call reserved.
     */
    public Reserved reserve(ReservationRecord r, String operation, String fingerprint, byte[] response) {
        Reserved outcome = null;
        try (Connection c = dataSource.getConnection()) {
            outcome = reserve(c, r, operation, fingerprint, response);
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        } finally {
            // It held a transaction id (it locked stock levels): its end may release newer ledger entries.
            if (outcome != null && outcome.available().stream().anyMatch(a -> a != null)) {
                ledgerSignal.committed();
            }
        }
        return outcome;
    }

    /*
     * The generic plan guesses 10 rows for the unnest, and with a small stock_level (1,000 rows) it hash-joined a
     * sequential scan of the table for the lock and for the update. So each line's stock level is looked up and
     * locked by primary key, the sorted lines driving the nested loop (locks still in (location, SKU) order), and
     * the lines are LIMITed to their count: a no-op, but a LIMIT the planner cannot read counts as 10 % of its
     * input, so the updates that follow also go by the index. The transaction id, which orders the ledger
     * (TransactionOrder), is taken first (tx), before any lock wait: ledger order stays start order.
     */
    private static Reserved reserve(Connection c, ReservationRecord r, String operation, String fingerprint,
            byte[] response) throws SQLException {
        try (PreparedStatement reserve = c.prepareStatement("""
                WITH tx AS MATERIALIZED (SELECT pg_current_xact_id()),
                line AS (
                  SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[])
                                WITH ORDINALITY AS l(location_id, sku, quantity, ord)),
                locked AS MATERIALIZED (
                  SELECT s.location_id, s.sku, s.on_hand, s.reserved, l.quantity, l.ord
                  FROM (SELECT * FROM line WHERE EXISTS (SELECT FROM tx) ORDER BY location_id, sku LIMIT ?) l
                  CROSS JOIN LATERAL (
                    SELECT location_id, sku, on_hand, reserved FROM stock_level
                    WHERE location_id = l.location_id AND sku = l.sku
                    LIMIT 1 FOR NO KEY UPDATE) s),
                claim AS (
                  INSERT INTO idempotency_key (request_id, operation, fingerprint, response, create_time)
                  SELECT ?::uuid, ?::text, ?::text, ?::bytea, ?::timestamptz
                  WHERE (SELECT count(*) FILTER (WHERE on_hand - reserved >= quantity) FROM locked)
                        = (SELECT count(*) FROM line)
                  ON CONFLICT (request_id) DO NOTHING
                  RETURNING request_id, create_time),
                reservation AS (
                  INSERT INTO reservation (id, request_id, state, expire_time, create_time, update_time)
                  SELECT ?::uuid, request_id, ?::text, ?::timestamptz, create_time, create_time FROM claim
                  RETURNING id),
                reservation_lines AS (
                  INSERT INTO reservation_line (reservation_id, line_no, location_id, sku, quantity)
                  SELECT reservation.id, line.ord - 1, line.location_id, line.sku, line.quantity
                  FROM reservation, line),
                entry AS (
                  INSERT INTO stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after,
                                            reserved_after, reservation_id, request_id, create_time, traceparent)
                  SELECT 'RESERVED', k.location_id, k.sku, 0, k.quantity, k.on_hand, k.reserved + k.quantity,
                         ?::uuid, claim.request_id, claim.create_time, ?::text
                  FROM locked k, claim ORDER BY k.location_id, k.sku
                  RETURNING seq, location_id, sku, reserved_after, create_time),
                stamped AS (
                  UPDATE stock_level s SET reserved = entry.reserved_after, version = entry.seq,
                                           update_time = entry.create_time
                  FROM entry WHERE s.location_id = entry.location_id AND s.sku = entry.sku)
                SELECT k.on_hand - k.reserved, EXISTS (SELECT FROM claim)
                FROM line LEFT JOIN locked k ON k.ord = line.ord ORDER BY line.ord""")) {
            reserve.setArray(1, texts(c, r.lines().stream().map(l -> l.key().locationId()).toList()));
            reserve.setArray(2, texts(c, r.lines().stream().map(l -> l.key().sku()).toList()));
            reserve.setArray(3, longs(c, r.lines().stream().map(ReservationRecord.Line::quantity).toList()));
            reserve.setInt(4, r.lines().size());
            reserve.setObject(5, r.requestId());
            reserve.setString(6, operation);
            reserve.setString(7, fingerprint);
            reserve.setBytes(8, response);
            reserve.setTimestamp(9, Timestamp.from(r.createTime()));
            reserve.setObject(10, r.id());
            reserve.setString(11, r.state().name());
            reserve.setTimestamp(12, Timestamp.from(r.expireTime()));
            reserve.setObject(13, r.id());
            reserve.setString(14, LedgerRepository.currentTraceparent());
            List<Long> available = new ArrayList<>(r.lines().size());
            boolean reserved = false;
            try (ResultSet rs = reserve.executeQuery()) {
                while (rs.next()) {
                    long units = rs.getLong(1);
                    available.add(rs.wasNull() ? null : units);
                    reserved = rs.getBoolean(2);
                }
            }
            return new Reserved(reserved, available);
        }
    }

    /**
     * How CommitReservation or ReleaseReservation ends an active reservation: the state it moves to (also the
     * ledger kind), whether the units leave on hand (commit ships them), whether only before its expiry, and the
     * ended states that answer unchanged.
     */
    public record Ending(String operation, ReservationState to, LedgerKind kind, boolean ships,
            boolean onlyBeforeExpiry, List<ReservationState> unchanged) {
    }

    /**
     * What {@link #end} found and did. {@code reservation} is as locked, before any change. Not {@code proceeds}:
     * its state refuses the ending, nothing was done. Not {@code claimed}: the request_id was claimed before,
     * nothing was done. {@code changed}: it was active and is now ended, its stock moved.
     */
    public record Ended(ReservationRecord reservation, boolean proceeds, boolean claimed, boolean changed) {
    }

    /**
     * CommitReservation or ReleaseReservation in one statement, on its own (autocommit: one round trip): locks
     * the reservation, and only if its state allows the ending claims the idempotency key (a duplicate waits for
     * the first call on the reservation's lock, then claims nothing); only if claimed and active it sets the
     * new state, locks the lines' stock levels in (location, SKU) order, appends the ledger entries in that order
     * and sets the stock levels to the values after them, each entry's sequence as version. The key stores no
     * response: the answer is the reservation as ended, which never changes again, so a replay reads it back.
     * Empty when the reservation is unknown.
     */
    public Optional<Ended> end(UUID id, Ending ending, UUID requestId, String fingerprint, Instant now) {
        ReservationRecord found = null;
        boolean claimed = false;
        boolean changes = false;
        List<ReservationRecord.Line> lines = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement end = c.prepareStatement("""
                        WITH r AS MATERIALIZED (
                          SELECT id, request_id, state, expire_time, create_time, update_time,
                                 state = 'ACTIVE' AND (NOT ?::boolean OR expire_time > ?::timestamptz) AS changes
                          FROM reservation WHERE id = ?::uuid
                          FOR UPDATE),
                        claim AS (
                          INSERT INTO idempotency_key (request_id, operation, fingerprint, create_time)
                          SELECT ?::uuid, ?::text, ?::text, ?::timestamptz FROM r
                          WHERE r.changes OR r.state = ANY (?::text[])
                          ON CONFLICT (request_id) DO NOTHING
                          RETURNING request_id, create_time),
                        line AS (
                          SELECT l.line_no, l.location_id, l.sku, l.quantity
                          FROM reservation_line l JOIN r ON l.reservation_id = r.id),
                        ended AS (
                          UPDATE reservation SET state = ?::text, update_time = claim.create_time
                          FROM r, claim WHERE reservation.id = r.id AND r.changes
                          RETURNING reservation.id, claim.request_id, claim.create_time),
                        locked AS MATERIALIZED (
                          SELECT s.location_id, s.sku, s.on_hand, s.reserved, line.quantity
                          FROM stock_level s JOIN line ON s.location_id = line.location_id AND s.sku = line.sku
                          WHERE EXISTS (SELECT FROM ended)
                          ORDER BY s.location_id, s.sku
                          FOR NO KEY UPDATE OF s),
                        moved AS (
                          SELECT location_id, sku, CASE WHEN ?::boolean THEN -quantity ELSE 0 END AS on_hand_delta,
                                 -quantity AS reserved_delta, on_hand, reserved
                          FROM locked),
                        entry AS (
                          INSERT INTO stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after,
                                                    reserved_after, reservation_id, request_id, create_time, traceparent)
                          SELECT ?::text, m.location_id, m.sku, m.on_hand_delta, m.reserved_delta,
                                 m.on_hand + m.on_hand_delta, m.reserved + m.reserved_delta, ended.id, ended.request_id,
                                 ended.create_time, ?::text
                          FROM moved m, ended ORDER BY m.location_id, m.sku
                          RETURNING seq, location_id, sku, on_hand_after, reserved_after, create_time),
                        stamped AS (
                          UPDATE stock_level s SET on_hand = entry.on_hand_after, reserved = entry.reserved_after,
                                                   version = entry.seq, update_time = entry.create_time
                          FROM entry WHERE s.location_id = entry.location_id AND s.sku = entry.sku)
                        SELECT r.request_id, r.state, r.expire_time, r.create_time, r.update_time, r.changes,
                               EXISTS (SELECT FROM claim), line.location_id, line.sku, line.quantity
                        FROM r LEFT JOIN line ON true ORDER BY line.line_no""")) {
            end.setBoolean(1, ending.onlyBeforeExpiry());
            end.setTimestamp(2, Timestamp.from(now));
            end.setObject(3, id);
            end.setObject(4, requestId);
            end.setString(5, ending.operation());
            end.setString(6, fingerprint);
            end.setTimestamp(7, Timestamp.from(now));
            end.setArray(8, texts(c, ending.unchanged().stream().map(Enum::name).toList()));
            end.setString(9, ending.to().name());
            end.setBoolean(10, ending.ships());
            end.setString(11, ending.kind().name());
            end.setString(12, LedgerRepository.currentTraceparent());
            try (ResultSet rs = end.executeQuery()) {
                while (rs.next()) {
                    if (found == null) {
                        found = new ReservationRecord(id, rs.getObject(1, UUID.class),
                                ReservationState.valueOf(rs.getString(2)), rs.getTimestamp(3).toInstant(),
                                rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant(), List.of());
                        changes = rs.getBoolean(6);
                        claimed = rs.getBoolean(7);
                    }
                    if (rs.getString(8) != null) {
                        lines.add(new ReservationRecord.Line(new StockKey(rs.getString(8), rs.getString(9)),
                                rs.getLong(10)));
                    }
                }
            }
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        } finally {
            // It held a transaction id (it locked the reservation): its end may release newer ledger entries.
            if (found != null) {
                ledgerSignal.committed();
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        ReservationRecord reservation = new ReservationRecord(id, found.requestId(), found.state(),
                found.expireTime(), found.createTime(), found.updateTime(), List.copyOf(lines));
        boolean proceeds = changes || ending.unchanged().contains(reservation.state());
        return Optional.of(new Ended(reservation, proceeds, claimed, claimed && changes));
    }

    /** The reservation without locking; empty when unknown. */
    public Optional<ReservationRecord> get(UUID id) {
        return findByIdOptional(id).map(ReservationEntity::toRecord);
    }

    /** How many reservations are active. */
    public long countActive() {
        return count("state", ReservationState.ACTIVE);
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
}
