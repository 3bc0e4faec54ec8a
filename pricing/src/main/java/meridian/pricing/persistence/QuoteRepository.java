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

    /** Inserts the quote and its lines (JDBC batches, see statement-batch-size). */
    public void insert(QuoteEntity quote, List<QuoteLineEntity> lines) {
        persist(quote);
        getEntityManager().flush();
        for (QuoteLineEntity line : lines) {
            getEntityManager().persist(line);
        }
    }
}
