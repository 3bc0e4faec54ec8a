package meridian.pricing.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * The pricing rules of meridian.pricing.v1.PricingService, in one place (pure, no I/O):
 * <ul>
 * <li>tier: the largest min_quantity not above the quantity; the base price is the tier at 1;</li>
 * <li>a promotion applies when start &lt;= now &lt; end, it lists the SKU or none, and an amount off is in
 * the quote's currency;</li>
 * <li>percentage: unit price x (10000 - bp) / 10000, rounded HALF_EVEN to the currency's minor unit (the
 * amounts are already minor units, so to a whole number); amount off: unit price - amount; never below 0;</li>
 * <li>among applicable promotions the lowest unit price wins, ties to the smallest promotion id; a promotion
 * that does not lower the price is not reported;</li>
 * <li>line total: rounded unit price x quantity, exactly (overflow is an error, never a wrap).</li>
 * </ul>
 */
public final class PriceCalculator {

    private static final BigDecimal BASIS_POINTS = BigDecimal.valueOf(10_000);

    private PriceCalculator() {
    }

    /** Prices {@code quantity} units; throws ArithmeticException when the line total does not fit 64 bits. */
    public static PricedUnit price(PriceRecord price, long quantity, List<PromotionRecord> promotions, Instant now) {
        long tierMin = 1;
        long listUnit = price.unitMinor();
        for (Tier tier : price.tiers()) {
            if (tier.minQuantity() <= quantity) {
                tierMin = tier.minQuantity();
                listUnit = tier.unitMinor();
            } else {
                break;
            }
        }
        long unit = listUnit;
        String winner = null;
        for (PromotionRecord promotion : promotions) {
            if (!promotion.appliesTo(price.sku(), price.currencyCode(), now)) {
                continue;
            }
            long discounted = discounted(listUnit, promotion);
            if (discounted < unit || (discounted == unit && winner != null && promotion.id().compareTo(winner) < 0)) {
                unit = discounted;
                winner = promotion.id();
            }
        }
        return new PricedUnit(listUnit, unit, tierMin, winner, Math.multiplyExact(unit, quantity));
    }

    /** The unit price after one promotion, rounded and never below zero. */
    static long discounted(long unitMinor, PromotionRecord promotion) {
        if (promotion.isPercentage()) {
            return BigDecimal.valueOf(unitMinor)
                    .multiply(BigDecimal.valueOf(10_000L - promotion.percentOffBasisPoints()))
                    .divide(BASIS_POINTS, 0, RoundingMode.HALF_EVEN)
                    .longValueExact();
        }
        return Math.max(0, unitMinor - promotion.amountOffMinor());
    }
}
