package meridian.orders.persistence;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

/** Orders: the idempotent insert, the saga queries and the keyset pages. Callers own the transaction. */
@ApplicationScoped
public class OrderRepository implements PanacheRepositoryBase<OrderEntity, UUID> {

    private final EntityManager em;

    public OrderRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * Inserts a PENDING order unless its request_id exists; true when this call inserted it. A concurrent
     * insert of the same request_id waits for the other transaction, so exactly one caller wins.
     */
    public boolean insertIfAbsent(UUID id, UUID requestId, String fingerprint, String customerId, String locationId,
            String currencyCode, boolean allowBackorder, Instant now) {
        return em.createNativeQuery("""
                INSERT INTO customer_order (id, request_id, request_fingerprint, customer_id, location_id,
                    currency_code, allow_backorder, state, saga_step, attempt, saga_time, create_time, update_time,
                    version)
                VALUES (:id, :requestId, :fingerprint, :customerId, :locationId, :currencyCode, :allowBackorder,
                    'PENDING', 'PRICING', 0, :now, :now, :now, 0)
                ON CONFLICT (request_id) DO NOTHING""")
                .setParameter("id", id).setParameter("requestId", requestId)
                .setParameter("fingerprint", fingerprint).setParameter("customerId", customerId)
                .setParameter("locationId", locationId).setParameter("currencyCode", currencyCode)
                .setParameter("allowBackorder", allowBackorder).setParameter("now", now)
                .executeUpdate() == 1;
    }

    public Optional<OrderEntity> findByRequestId(UUID requestId) {
        return find("requestId", requestId).firstResultOptional();
    }

    /**
     * Takes over up to {@code limit} sagas without progress since {@code cutoff}: locks them skipping rows
     * another replica holds, and stamps them (saga_time and version) so neither another replica nor a late
     * original saga works on them at the same time.
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

    /** Backordered orders at a location with a line of {@code sku}, oldest first (FIFO). */
    public List<OrderEntity> backordered(String locationId, String sku, int limit) {
        return find("""
                select o from OrderEntity o
                where o.state = :state and o.sagaStep = :done and o.locationId = :location
                  and exists (select 1 from OrderLineEntity l where l.order = o and l.sku = :sku)
                order by o.createTime, o.id""",
                Parameters.with("state", OrderStatus.BACKORDERED).and("done", SagaStep.DONE)
                        .and("location", locationId).and("sku", sku))
                .page(0, limit).list();
    }

    /** All backordered orders, oldest first: after a stock stream resync. */
    public List<OrderEntity> allBackordered(int limit) {
        return find("state = ?1 and sagaStep = ?2 order by createTime, id", OrderStatus.BACKORDERED, SagaStep.DONE)
                .page(0, limit).list();
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
