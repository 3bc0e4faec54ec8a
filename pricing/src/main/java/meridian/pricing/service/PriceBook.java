package meridian.pricing.service;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import meridian.pricing.domain.PriceRecord;
import meridian.pricing.domain.PromotionRecord;
import meridian.pricing.persistence.PriceRepository;
import meridian.pricing.persistence.PromotionRepository;
import meridian.pricing.v1.Price;

/**
 * The hot read path: prices per SKU and all promotions, in quarkus-cache. Entries are invalidated
 * right after every committed upsert on this instance, and by {@link PriceBookSync} for changes committed
 * by other instances (within pricing.cache-sync-interval).
 */
@ApplicationScoped
public class PriceBook {

    private static final String ALL = "all";

    /**
     * Every currency's price of one SKU (empty when the SKU has no price at all), with the Price messages
     * built once at load so cached reads only look them up.
     */
    public record SkuPrices(Map<String, PriceRecord> byCurrency, Map<String, Price> messages) {

        static SkuPrices of(List<PriceRecord> prices) {
            return new SkuPrices(
                    prices.stream().collect(Collectors.toUnmodifiableMap(PriceRecord::currencyCode, p -> p)),
                    prices.stream().collect(Collectors.toUnmodifiableMap(PriceRecord::currencyCode,
                            PricingMessages::toMessage)));
        }
    }

    @Inject
    @CacheName("prices")
    Cache prices;

    @Inject
    @CacheName("promotions")
    Cache promotions;

    @Inject
    PriceRepository priceRepository;

    @Inject
    PromotionRepository promotionRepository;

    /** The cached prices of {@code sku}, or null when not loaded (never blocks). */
    public SkuPrices cachedPrices(String sku) {
        return loaded(prices, sku);
    }

    /** The prices of {@code sku}, loading them on a miss. Blocking. */
    public SkuPrices prices(String sku) {
        SkuPrices cached = cachedPrices(sku);
        return cached != null ? cached : prices.get(sku, this::fetchPrices).await().indefinitely();
    }

    /** The cached promotions, or null when not loaded (never blocks). */
    public List<PromotionRecord> cachedPromotions() {
        return loaded(promotions, ALL);
    }

    /** Every promotion (the calculator checks windows), loading on a miss. Blocking. */
    public List<PromotionRecord> promotions() {
        List<PromotionRecord> cached = cachedPromotions();
        return cached != null ? cached
                : promotions.get(ALL, (Function<String, List<PromotionRecord>>) key -> fetchPromotions())
                        .await().indefinitely();
    }

    public void invalidatePrices(String sku) {
        prices.invalidate(sku).await().indefinitely();
    }

    public void invalidatePromotions() {
        promotions.invalidate(ALL).await().indefinitely();
    }

    public void invalidateAll() {
        prices.invalidateAll().await().indefinitely();
        promotions.invalidateAll().await().indefinitely();
    }

    private SkuPrices fetchPrices(String sku) {
        return QuarkusTransaction.joiningExisting().call(() -> SkuPrices.of(priceRepository.findBySku(sku).stream()
                .map(PricingMessages::toRecord).toList()));
    }

    private List<PromotionRecord> fetchPromotions() {
        return QuarkusTransaction.joiningExisting().call(() -> promotionRepository.list("order by id").stream()
                .map(PricingMessages::toRecord).toList());
    }

    @SuppressWarnings("unchecked")
    private static <V> V loaded(Cache cache, String key) {
        CompletableFuture<Object> entry = cache.as(CaffeineCache.class).getIfPresent(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        return (V) entry.join();
    }
}
