package meridian.pricing.persistence;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class QuoteRepository implements PanacheRepositoryBase<QuoteEntity, UUID> {

    public Optional<QuoteEntity> findByRequestId(UUID requestId) {
        return find("requestId", requestId).firstResultOptional();
    }

    public List<QuoteLineEntity> lines(UUID quoteId) {
        return QuoteLineEntity.list("quoteId = ?1 order by lineIndex", quoteId);
    }

    /**
     * Inserts the quote and its lines (their quote_id is the quote's) in one statement, the lines passed as
     * arrays: one round trip and one plan for a 1,000-line quote, where an entity per line cost more than
     * pricing it.
     * A request_id already stored fails the statement (unique constraint).
     */
    public void insert(QuoteEntity quote, List<QuoteLineEntity> lines) {
        int n = lines.size();
        Integer[] indexes = new Integer[n];
        String[] skus = new String[n];
        Long[] quantities = new Long[n];
        Long[] units = new Long[n];
        Long[] listUnits = new Long[n];
        Long[] totals = new Long[n];
        Long[] tierMins = new Long[n];
        String[] promotions = new String[n];
        for (int i = 0; i < n; i++) {
            QuoteLineEntity line = lines.get(i);
            indexes[i] = line.lineIndex;
            skus[i] = line.sku;
            quantities[i] = line.quantity;
            units[i] = line.unitMinor;
            listUnits[i] = line.listUnitMinor;
            totals[i] = line.lineTotalMinor;
            tierMins[i] = line.tierMinQuantity;
            promotions[i] = line.promotionId;
        }
        getEntityManager().createNativeQuery("""
                WITH q AS (
                  INSERT INTO quote (id, request_id, fingerprint, currency_code, total_minor, create_time, expire_time)
                  VALUES (:id, :requestId, :fingerprint, :currency, :total, :createTime, :expireTime) RETURNING id)
                INSERT INTO quote_line (quote_id, line_index, sku, quantity, unit_minor, list_unit_minor,
                    line_total_minor, tier_min_quantity, promotion_id)
                SELECT q.id, l.* FROM q, unnest(CAST(:indexes AS integer[]), CAST(:skus AS text[]),
                    CAST(:quantities AS bigint[]), CAST(:units AS bigint[]), CAST(:listUnits AS bigint[]),
                    CAST(:totals AS bigint[]), CAST(:tierMins AS bigint[]), CAST(:promotions AS text[]))
                  AS l(line_index, sku, quantity, unit, list_unit, total, tier_min, promotion)""")
                .setParameter("id", quote.id).setParameter("requestId", quote.requestId)
                .setParameter("fingerprint", quote.fingerprint).setParameter("currency", quote.currencyCode)
                .setParameter("total", quote.totalMinor).setParameter("createTime", quote.createTime)
                .setParameter("expireTime", quote.expireTime)
                .setParameter("indexes", indexes).setParameter("skus", skus)
                .setParameter("quantities", quantities).setParameter("units", units)
                .setParameter("listUnits", listUnits).setParameter("totals", totals)
                .setParameter("tierMins", tierMins).setParameter("promotions", promotions)
                .executeUpdate();
    }
}
