package meridian.pricing.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import meridian.conventions.watch.LogPosition;
import meridian.pricing.persistence.PriceChangeLog;
import meridian.pricing.persistence.PriceChangeLog.Entry;
import meridian.pricing.v1.PriceChange;

/**
 * Keeps this instance's PriceBook true to changes committed by any instance: follows the price change log
 * and invalidates exactly the SKUs (and the promotions) that changed. Cached entries therefore never expire by
 * age; an upsert on another instance is seen within pricing.cache-sync-interval plus one log read.
 */
@ApplicationScoped
public class PriceBookSync {

    private static final Logger LOG = Logger.getLogger(PriceBookSync.class);
    private static final int BATCH = 500;

    @Inject
    PriceChangeLog log;

    @Inject
    PriceBook book;

    /** Position of the last change applied to the cache; null until the head is known. */
    private volatile LogPosition applied;

    void onStart(@Observes StartupEvent event) {
        // Nothing is cached yet, so everything before the head is already reflected.
        applied = QuarkusTransaction.requiringNew().call(log::head);
    }

    @Scheduled(every = "${pricing.cache-sync-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void sync() {
        if (applied == null) {
            return;
        }
        List<Entry> batch;
        do {
            LogPosition after = applied;
            batch = QuarkusTransaction.requiringNew().call(() -> log.readAfter(after, BATCH));
            for (Entry entry : batch) {
                invalidate(entry);
                applied = entry.position();
            }
        } while (batch.size() == BATCH);
    }

    private void invalidate(Entry entry) {
        try {
            PriceChange change = PriceChange.parseFrom(entry.change());
            if (change.hasPrice()) {
                book.invalidatePrices(PricingMessages.skuOf(change.getPrice().getName()));
            } else {
                book.invalidatePromotions();
            }
        } catch (InvalidProtocolBufferException e) {
            // Cannot tell what changed: forget everything rather than serve a stale price.
            LOG.errorf("price change %s is unreadable; dropping the whole price cache", entry.position());
            book.invalidateAll();
        }
    }
}
