package meridian.pricing.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Fast checks of the pure rules; the full table runs through gRPC in PricingRulesTest. */
class PriceCalculatorTest {

    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant END = Instant.parse("2030-01-02T00:00:00Z");

    private static PriceRecord price(long unitMinor, Tier... tiers) {
        return new PriceRecord("SKU", "EUR", unitMinor, List.of(tiers), 1, "t", START);
    }

    private static PromotionRecord percent(String id, int basisPoints) {
        return new PromotionRecord(id, id, basisPoints, 0, null, Set.of(), START, END, 1, "t", START);
    }

    private static PromotionRecord amount(String id, long minor, String currency) {
        return new PromotionRecord(id, id, 0, minor, currency, Set.of("SKU"), START, END, 1, "t", START);
    }

    @Test
    void picksTheLargestTierNotAboveTheQuantity() {
        PriceRecord price = price(1000, new Tier(10, 900), new Tier(100, 800));
        assertThat(PriceCalculator.price(price, 9, List.of(), START).tierMinQuantity()).isEqualTo(1);
        assertThat(PriceCalculator.price(price, 10, List.of(), START).unitMinor()).isEqualTo(900);
        assertThat(PriceCalculator.price(price, 100, List.of(), START).lineTotalMinor()).isEqualTo(80_000);
    }

    @Test
    void roundsPercentagesHalfEvenPerUnit() {
        assertThat(PriceCalculator.price(price(25), 1, List.of(percent("p", 1000)), START).unitMinor()).isEqualTo(22);
        assertThat(PriceCalculator.price(price(35), 1, List.of(percent("p", 1000)), START).unitMinor()).isEqualTo(32);
    }

    @Test
    void bestPriceWinsTiesBySmallestIdNeverBelowZero() {
        PricedUnit tie = PriceCalculator.price(price(1000), 1, List.of(percent("b", 1000), amount("a", 100, "EUR")),
                START);
        assertThat(tie.promotionId()).isEqualTo("a");
        assertThat(PriceCalculator.price(price(100), 1, List.of(amount("a", 500, "EUR")), START).unitMinor())
                .isZero();
        assertThat(PriceCalculator.price(price(100), 1, List.of(amount("a", 50, "USD")), START).promotionId())
                .isNull();
    }

    @Test
    void windowsAreHalfOpen() {
        List<PromotionRecord> promotions = List.of(percent("p", 1000));
        assertThat(PriceCalculator.price(price(1000), 1, promotions, START.minusNanos(1)).promotionId()).isNull();
        assertThat(PriceCalculator.price(price(1000), 1, promotions, START).promotionId()).isEqualTo("p");
        assertThat(PriceCalculator.price(price(1000), 1, promotions, END.minusNanos(1)).promotionId()).isEqualTo("p");
        assertThat(PriceCalculator.price(price(1000), 1, promotions, END).promotionId()).isNull();
    }

    @Test
    void lineTotalOverflowIsAnErrorNotAWrap() {
        assertThatThrownBy(() -> PriceCalculator.price(price(Long.MAX_VALUE / 2), 3, List.of(), START))
                .isInstanceOf(ArithmeticException.class);
    }
}
