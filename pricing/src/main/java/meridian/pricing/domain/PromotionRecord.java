package meridian.pricing.domain;

import java.time.Instant;
import java.util.Set;

/**
 * A stored promotion: either {@code percentOffBasisPoints} (1..10000) or {@code amountOffMinor} in
 * {@code amountOffCurrency}; an empty SKU set means every SKU. Active in [startTime, endTime).
 */
public record PromotionRecord(String id, String displayName, int percentOffBasisPoints, long amountOffMinor,
        String amountOffCurrency, Set<String> skus, Instant startTime, Instant endTime, long revision,
        String updateActor, Instant updateTime) {

    public PromotionRecord {
        skus = Set.copyOf(skus);
    }

    public boolean isPercentage() {
        return amountOffCurrency == null;
    }

    /** The contract's applicability rule: window [start, end), SKU listed (or none listed), currency of an amount. */
    public boolean appliesTo(String sku, String currencyCode, Instant now) {
        return !now.isBefore(startTime) && now.isBefore(endTime)
                && (skus.isEmpty() || skus.contains(sku))
                && (isPercentage() || amountOffCurrency.equals(currencyCode));
    }
}
