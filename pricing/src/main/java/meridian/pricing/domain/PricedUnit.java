package meridian.pricing.domain;

/** How one line was priced: amounts in minor units; {@code promotionId} null when none applied. */
public record PricedUnit(long listUnitMinor, long unitMinor, long tierMinQuantity, String promotionId,
        long lineTotalMinor) {
}
