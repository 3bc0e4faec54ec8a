package meridian.pricing.domain;

/** Unit price in minor units from {@code minQuantity} on. */
public record Tier(long minQuantity, long unitMinor) {
}
