package meridian.pricing.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import meridian.pricing.domain.Tier;

@ApplicationScoped
public class PriceRepository implements PanacheRepositoryBase<PriceEntity, Long> {

    /** Every currency's price of one SKU. */
    public List<PriceEntity> findBySku(String sku) {
        return list("sku = ?1 order by currencyCode", sku);
    }

    /** One page ordered by SKU then currency, after the keyset position (afterSku, afterCurrency). */
    public List<PriceEntity> page(String skuPrefix, String currencyCode, String afterSku, String afterCurrency,
            int limit) {
        return find("""
                substring(sku, 1, :prefixLength) = :prefix
                and (:currency = '' or currencyCode = :currency)
                and (sku > :afterSku or (sku = :afterSku and currencyCode > :afterCurrency))
                order by sku, currencyCode""",
                Parameters.with("prefixLength", skuPrefix.length()).and("prefix", skuPrefix)
                        .and("currency", currencyCode).and("afterSku", afterSku)
                        .and("afterCurrency", afterCurrency))
                .page(0, limit).list();
    }

    /**
     * Creates the price or replaces it with the next revision, atomically under concurrent upserts of the
     * same key. Returns {id, revision}.
     */
    public long[] upsert(String sku, String currencyCode, long unitMinor, List<Tier> tiers, String actor,
            Instant now) {
        Object[] row = (Object[]) getEntityManager().createNativeQuery("""
                INSERT INTO price (sku, currency_code, unit_minor, revision, update_actor, update_time)
                VALUES (:sku, :currency, :unit, 1, :actor, :now)
                ON CONFLICT (sku, currency_code) DO UPDATE SET unit_minor = excluded.unit_minor,
                    revision = price.revision + 1, update_actor = excluded.update_actor,
                    update_time = excluded.update_time
                RETURNING id, revision""")
                .setParameter("sku", sku).setParameter("currency", currencyCode).setParameter("unit", unitMinor)
                .setParameter("actor", actor).setParameter("now", now)
                .getSingleResult();
        long id = ((Number) row[0]).longValue();
        getEntityManager().createNativeQuery("DELETE FROM price_tier WHERE price_id = :id")
                .setParameter("id", id).executeUpdate();
        for (Tier tier : tiers) {
            getEntityManager().createNativeQuery(
                    "INSERT INTO price_tier (price_id, min_quantity, unit_minor) VALUES (:id, :min, :unit)")
                    .setParameter("id", id).setParameter("min", tier.minQuantity())
                    .setParameter("unit", tier.unitMinor()).executeUpdate();
        }
        return new long[] { id, ((Number) row[1]).longValue() };
    }

    /** Appends the audit row of one revision: who, when, which request, and the Price as stored. */
    public void recordHistory(long priceId, long revision, UUID requestId, String actor, Instant now,
            byte[] snapshot) {
        getEntityManager().createNativeQuery("""
                INSERT INTO price_history (price_id, revision, request_id, update_actor, update_time, snapshot)
                VALUES (:id, :revision, :requestId, :actor, :now, :snapshot)""")
                .setParameter("id", priceId).setParameter("revision", revision).setParameter("requestId", requestId)
                .setParameter("actor", actor).setParameter("now", now).setParameter("snapshot", snapshot)
                .executeUpdate();
    }
}
