package meridian.pricing.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.query.NativeQuery;
import org.hibernate.type.StandardBasicTypes;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class PromotionRepository implements PanacheRepositoryBase<PromotionEntity, String> {

    /** One page ordered by id after {@code afterId}; only those active at {@code activeAt} when given. */
    public List<PromotionEntity> page(String afterId, Instant activeAt, int limit) {
        if (activeAt == null) {
            return find("id > :after order by id", Parameters.with("after", afterId)).page(0, limit).list();
        }
        return find("id > :after and startTime <= :at and endTime > :at order by id",
                Parameters.with("after", afterId).and("at", activeAt)).page(0, limit).list();
    }

    /** Creates the promotion or replaces it with the next revision, atomically. Returns the revision. */
    public long upsert(String id, String displayName, Integer percentOffBasisPoints, Long amountOffMinor,
            String amountOffCurrency, List<String> skus, Instant start, Instant end, String actor, Instant now) {
        // SKUs cannot contain commas (contract pattern), so they travel as one text parameter.
        NativeQuery<?> query = getEntityManager().createNativeQuery("""
                INSERT INTO promotion (id, display_name, percent_off_bp, amount_off_minor, amount_off_currency,
                                       skus, start_time, end_time, revision, update_actor, update_time)
                VALUES (:id, :name, CAST(:percent AS integer), CAST(:amount AS bigint), CAST(:currency AS char(3)),
                        string_to_array(:skus, ','), :start, :end, 1, :actor, :now)
                ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,
                    percent_off_bp = excluded.percent_off_bp, amount_off_minor = excluded.amount_off_minor,
                    amount_off_currency = excluded.amount_off_currency, skus = excluded.skus,
                    start_time = excluded.start_time, end_time = excluded.end_time,
                    revision = promotion.revision + 1, update_actor = excluded.update_actor,
                    update_time = excluded.update_time
                RETURNING revision""").unwrap(NativeQuery.class);
        Object revision = query.setParameter("id", id).setParameter("name", displayName)
                .setParameter("percent", percentOffBasisPoints, StandardBasicTypes.INTEGER)
                .setParameter("amount", amountOffMinor, StandardBasicTypes.LONG)
                .setParameter("currency", amountOffCurrency, StandardBasicTypes.STRING)
                .setParameter("skus", String.join(",", skus))
                .setParameter("start", start).setParameter("end", end)
                .setParameter("actor", actor).setParameter("now", now)
                .getSingleResult();
        return ((Number) revision).longValue();
    }

    public void recordHistory(String id, long revision, UUID requestId, String actor, Instant now, byte[] snapshot) {
        getEntityManager().createNativeQuery("""
                INSERT INTO promotion_history (promotion_id, revision, request_id, update_actor, update_time, snapshot)
                VALUES (:id, :revision, :requestId, :actor, :now, :snapshot)""")
                .setParameter("id", id).setParameter("revision", revision).setParameter("requestId", requestId)
                .setParameter("actor", actor).setParameter("now", now).setParameter("snapshot", snapshot)
                .executeUpdate();
    }
}
