package meridian.orders.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import meridian.orders.persistence.OrderEventLog.NewEvent;

/**
 * Orders: the idempotent insert, the saga's writes, its queries and the keyset pages. Callers own the transaction.
 * The saga's writes are plain conditional SQL (no entity loaded first): one statement per step, which writes
 * every table the step changes (data-modifying CTEs), so a step needs no transaction around it.
 */
@ApplicationScoped
public class OrderRepository implements PanacheRepositoryBase<OrderEntity, UUID> {

    private final EntityManager em;
    private final Jdbc jdbc;

    public OrderRepository(EntityManager em, Jdbc jdbc) {
        this.em = em;
        this.jdbc = jdbc;
    }

    /**
     * Inserts a PENDING order, its (unpriced) lines numbered in the given order and the event {@code placed}, unless
     * its request_id exists; true when this call inserted them. One statement, atomic on its own (no transaction
     * needed around it). A concurrent insert of the same request_id waits for the other one, so exactly one caller
     * wins.
     */
    public boolean insertIfAbsent(UUID id, UUID requestId, String fingerprint, String customerId, String locationId,
            String currencyCode, boolean allowBackorder, List<String> skus, List<Long> quantities, NewEvent placed,
            Instant now) {
        return changed(INSERT_ORDER, s -> {
            s.setObject(1, id);
            s.setObject(2, requestId);
            s.setString(3, fingerprint);
            s.setString(4, customerId);
            s.setString(5, locationId);
            s.setString(6, currencyCode);
            s.setBoolean(7, allowBackorder);
            s.setObject(8, Jdbc.time(now));
            s.setObject(9, Jdbc.time(now));
            s.setObject(10, Jdbc.time(now));
            s.setArray(11, s.getConnection().createArrayOf("text", skus.toArray()));
            s.setArray(12, s.getConnection().createArrayOf("bigint", quantities.toArray()));
            placed.bind(s, 13);
        });
    }

    /**
     * Records the idempotency key of a cancel or fulfil of {@code orderId} ({@code operation}: the state it moves the
     * order to), in the caller's transaction, unless the key exists: false then (a concurrent insert of the same key
     * waits for the other transaction, so only one caller records it).
     */
    public boolean insertCommandKey(UUID requestId, String fingerprint, String operation, UUID orderId, Instant now) {
        return jdbc.update("""
                INSERT INTO order_command (request_id, request_fingerprint, operation, order_id, create_time)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING""", s -> {
            s.setObject(1, requestId);
            s.setString(2, fingerprint);
            s.setString(3, operation);
            s.setObject(4, orderId);
            s.setObject(5, Jdbc.time(now));
        }) == 1;
    }

    private static final String INSERT_ORDER = """
            WITH o AS (
                INSERT INTO customer_order (id, request_id, request_fingerprint, customer_id, location_id,
                    currency_code, allow_backorder, state, saga_step, attempt, saga_time, create_time, update_time,
                    version)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', 'PRICING', 0, ?, ?, ?, 0)
                ON CONFLICT (request_id) DO NOTHING
                RETURNING id),
            l AS (
                INSERT INTO order_line (order_id, line_no, sku, quantity)
                SELECT o.id, n - 1, sku, quantity
                FROM o, unnest(?::text[], ?::bigint[]) WITH ORDINALITY AS l(sku, quantity, n)),
            e AS (""" + OrderEventLog.appendFor("o") + ")\nSELECT count(*) FROM o";

    /**
     * Stores the binding quote and moves the saga from PRICING to RESERVING, if the order is still at
     * {@code attempt}, step PRICING, in {@code state} (else another saga run took over: false, nothing changed).
     * One statement, atomic on its own.
     */
    public boolean savePrices(UUID id, int attempt, OrderStatus state, BigDecimal total, String quoteName,
            Instant quoteExpireTime, Instant now, List<String> skus, List<BigDecimal> unitPrices,
            List<BigDecimal> lineTotals, List<String> promotions) {
        return changed("""
                WITH o AS (
                    UPDATE customer_order SET total = ?, quote_name = ?, quote_expire_time = ?,
                        saga_step = 'RESERVING', saga_time = ?, version = version + 1
                    WHERE id = ? AND attempt = ? AND saga_step = 'PRICING' AND state = ?
                    RETURNING id),
                l AS (
                    UPDATE order_line l SET unit_price = p.unit_price, line_total = p.line_total,
                        promotion = p.promotion
                    FROM o, unnest(?::text[], ?::numeric[], ?::numeric[], ?::text[])
                        AS p(sku, unit_price, line_total, promotion)
                    WHERE l.order_id = o.id AND l.sku = p.sku)
                SELECT count(*) FROM o""", s -> {
            s.setBigDecimal(1, total);
            s.setString(2, quoteName);
            s.setObject(3, Jdbc.time(quoteExpireTime));
            s.setObject(4, Jdbc.time(now));
            s.setObject(5, id);
            s.setInt(6, attempt);
            s.setString(7, state.name());
            s.setArray(8, s.getConnection().createArrayOf("text", skus.toArray()));
            s.setArray(9, s.getConnection().createArrayOf("numeric", unitPrices.toArray()));
            s.setArray(10, s.getConnection().createArrayOf("numeric", lineTotals.toArray()));
            s.setArray(11, s.getConnection().createArrayOf("text", promotions.toArray()));
        });
    }

    /**
     * Ends a saga step if the order is still at {@code attempt}, step {@code fromStep}, in {@code fromState}
     * (else another saga run took over: false, nothing changed), appending {@code event} if not null, clearing a
     * pending command's message. update_time moves only with the state. One statement, atomic on its own.
     */
    public boolean transition(UUID id, int attempt, SagaStep fromStep, OrderStatus fromState, OrderStatus state,
            SagaStep step, String reservation, byte[] rejection, NewEvent event, Instant now) {
        return changed(event == null ? TRANSITION + SELECT_CHANGED : TRANSITION + APPEND_EVENT + SELECT_CHANGED, s -> {
            s.setString(1, state.name());
            s.setString(2, step.name());
            s.setString(3, reservation);
            s.setBytes(4, rejection);
            s.setObject(5, Jdbc.time(now));
            s.setString(6, state.name());
            s.setObject(7, Jdbc.time(now));
            s.setObject(8, id);
            s.setInt(9, attempt);
            s.setString(10, fromStep.name());
            s.setString(11, fromState.name());
            if (event != null) {
                event.bind(s, 12);
            }
        });
    }

    private static final String TRANSITION = """
            WITH o AS (
                UPDATE customer_order SET state = ?, saga_step = ?, reservation_name = ?, rejection = ?,
                    command_message = NULL, saga_time = ?, update_time = CASE WHEN state = ? THEN update_time ELSE ? END,
                    version = version + 1
                WHERE id = ? AND attempt = ? AND saga_step = ? AND state = ?
                RETURNING id)""";
    private static final String APPEND_EVENT = ",\ne AS (" + OrderEventLog.appendFor("o") + ")";
    private static final String SELECT_CHANGED = "\nSELECT count(*) FROM o";

    /** Runs a statement whose result is the count of orders it changed (0 or 1); true when it changed one. */
    private boolean changed(String sql, Jdbc.Binder binder) {
        return jdbc.query(sql, binder, rs -> rs.getInt(1)).get(0) == 1;
    }

    public Optional<OrderEntity> findByRequestId(UUID requestId) {
        return find("requestId", requestId).firstResultOptional();
    }

    /**
     * Takes over up to {@code limit} sagas without progress since {@code cutoff}: locks them skipping rows
     * another replica holds, and stamps them (saga_time and version) so that no other replica's recovery takes them
     * for stuck-after, longer than any saga run. A late original saga is fenced by the saga's own conditional
     * writes (attempt, step and state), whichever run gets there first.
     */
    @SuppressWarnings("unchecked")
    public List<UUID> claimStuck(Instant cutoff, Instant now, int limit) {
        return em.createNativeQuery("""
                UPDATE customer_order SET saga_time = :now, version = version + 1
                WHERE id IN (SELECT id FROM customer_order
                             WHERE saga_step <> 'DONE' AND saga_time < :cutoff
                             ORDER BY saga_time LIMIT :limit FOR UPDATE SKIP LOCKED)
                RETURNING id""", UUID.class)
                .setParameter("now", now).setParameter("cutoff", cutoff).setParameter("limit", limit)
                .getResultList();
    }

    /**
     * Ids of the backordered orders at a location with a line of {@code sku}, oldest first (FIFO), including those
     * whose retry is running (the caller waits for them rather than letting a later order pass). One statement, no
     * entities: it runs for every stock level with backorders that a batch of stock changes raised.
     */
    public List<UUID> backordered(String locationId, String sku, int limit) {
        return jdbc.query("""
                SELECT o.id FROM customer_order o
                WHERE o.state = 'BACKORDERED' AND o.location_id = ?
                  AND EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id AND l.sku = ?)
                ORDER BY o.create_time, o.id LIMIT ?""", s -> {
            s.setString(1, locationId);
            s.setString(2, sku);
            s.setInt(3, limit);
        }, rs -> rs.getObject(1, UUID.class));
    }

    /**
     * Which of these stock levels (location, sku) have backordered orders waiting, or being retried (whose attempt may
     * have asked before this stock came): one statement for a whole batch of stock changes, since most raised stock
     * levels have none.
     */
    public Set<StockKey> withBackordersWaiting(Collection<StockKey> levels) {
        if (levels.isEmpty()) {
            return Set.of();
        }
        Object[] locations = levels.stream().map(StockKey::locationId).toArray();
        Object[] skus = levels.stream().map(StockKey::sku).toArray();
        return new HashSet<>(jdbc.query("""
                SELECT DISTINCT o.location_id, l.sku FROM customer_order o JOIN order_line l ON l.order_id = o.id
                WHERE o.state = 'BACKORDERED' AND (o.location_id, l.sku) IN (SELECT * FROM unnest(?::text[], ?::text[]))""", s -> {
            s.setArray(1, s.getConnection().createArrayOf("text", locations));
            s.setArray(2, s.getConnection().createArrayOf("text", skus));
        }, rs -> new StockKey(rs.getString(1), rs.getString(2))));
    }

    /**
     * Stock levels whose first waiting order (the one a retry tries first) was not tried since {@code cutoff} (each
     * try stamps saga_time), longest idle first. The first order, not any: an order waiting for two SKUs is tried
     * whenever either changes, which says nothing about the orders ahead of it at the other one.
     */
    public List<StockKey> idleBackorders(Instant cutoff, int limit) {
        return jdbc.query("""
                SELECT location_id, sku FROM (
                    SELECT DISTINCT ON (o.location_id, l.sku) o.location_id, l.sku, o.saga_time
                    FROM customer_order o JOIN order_line l ON l.order_id = o.id
                    WHERE o.state = 'BACKORDERED' AND o.saga_step = 'DONE'
                    ORDER BY o.location_id, l.sku, o.create_time, o.id) head
                WHERE saga_time < ? ORDER BY saga_time LIMIT ?""", s -> {
            s.setObject(1, Jdbc.time(cutoff));
            s.setInt(2, limit);
        }, rs -> new StockKey(rs.getString(1), rs.getString(2)));
    }

    /** Confirmed orders, no saga running, that hold one of these reservations. */
    public List<UUID> confirmedHolding(Collection<String> reservationNames) {
        Object[] names = reservationNames.toArray();
        return jdbc.query("""
                SELECT id FROM customer_order
                WHERE state = 'CONFIRMED' AND saga_step = 'DONE' AND reservation_name = ANY (?::text[])""",
                s -> s.setArray(1, s.getConnection().createArrayOf("text", names)),
                rs -> rs.getObject(1, UUID.class));
    }

    /** One page newest first (ties by id), after the keyset position (afterTime, afterId) when given. */
    public List<OrderEntity> page(String customerId, List<OrderStatus> states, Instant afterTime, UUID afterId,
            int limit) {
        StringBuilder q = new StringBuilder("select o from OrderEntity o where 1 = 1");
        Parameters params = new Parameters();
        if (!customerId.isEmpty()) {
            q.append(" and o.customerId = :customer");
            params.and("customer", customerId);
        }
        if (!states.isEmpty()) {
            q.append(" and o.state in :states");
            params.and("states", states);
        }
        if (afterTime != null) {
            q.append(" and (o.createTime < :t or (o.createTime = :t and o.id < :id))");
            params.and("t", afterTime).and("id", afterId);
        }
        q.append(" order by o.createTime desc, o.id desc");
        return find(q.toString(), params).page(0, limit).list();
    }
}
