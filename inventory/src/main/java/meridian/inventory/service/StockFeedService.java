package meridian.inventory.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import meridian.conventions.validation.RequestValidator;
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.PersistenceFailure;
import meridian.inventory.v1.AdjustStockResponse;

/**
 * Warehouse feeds (AdjustStock): bad lines are rejected with their index and reason, every accepted
 * line is applied in one transaction when the feed is complete; a cancelled feed applies nothing.
 */
@ApplicationScoped
public class StockFeedService {

    private final RequestValidator validator;
    private final InventoryConfig config;
    private final StockFeedTransaction transaction;

    StockFeedService(RequestValidator validator, InventoryConfig config, StockFeedTransaction transaction) {
        this.validator = validator;
        this.config = config;
        this.transaction = transaction;
    }

    /** A new feed to fill message by message. */
    public StockFeed open() {
        return new StockFeed(validator, config.feed().maxLines());
    }

    /** Applies a complete feed; a deadlock or serialization failure retries the whole transaction. */
    @Retry(retryOn = PersistenceFailure.Contention.class, maxRetries = 5, delay = 10, jitter = 5)
    public AdjustStockResponse apply(StockFeed feed) {
        return transaction.apply(feed);
    }
}
