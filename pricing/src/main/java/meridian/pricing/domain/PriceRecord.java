package meridian.pricing.domain;

import java.time.Instant;
import java.util.List;

/** A stored list price; amounts in minor units of {@code currencyCode}; tiers ascending by min quantity. */
public record PriceRecord(String sku, String currencyCode, long unitMinor, List<Tier> tiers, long revision,
        String updateActor, Instant updateTime) {

    public PriceRecord {
        tiers = List.copyOf(tiers);
    }
}
