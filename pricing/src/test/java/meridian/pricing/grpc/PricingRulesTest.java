package meridian.pricing.grpc;

import static meridian.pricing.PricingClient.decimal;
import static meridian.pricing.PricingClient.line;
import static meridian.pricing.PricingClient.money;
import static meridian.pricing.PricingClient.priced;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.pricing.PricingClient;
import meridian.pricing.PricingClient.QuoteAnswer;
import meridian.pricing.SettableClock;
import meridian.pricing.v1.GetQuoteRequest;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Promotion;
import meridian.testing.PostgresTestResource;

/**
 * The pricing rules of the contract, case by case, through real QuotePrices and GetQuote calls:
 * tiers at their boundaries, overlapping promotions, promotion windows at their edges (clock set by
 * the test) and half-even rounding in currencies with 0, 2 and 3 decimals.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class PricingRulesTest extends PricingGrpcTest {

    /** Each case gets its own day (so promotions for every SKU never meet another case); windows [T, T+1h). */
    private static final Instant FIRST_DAY = Instant.parse("2031-03-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Duration INSIDE = Duration.ofMinutes(30);

    @Inject
    SettableClock clock;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    /** A promotion of a case: percentage (basis points) or amount off; for the case's SKU unless allSkus. */
    record Promo(String idPrefix, Integer basisPoints, String amountCurrency, String amount, boolean allSkus,
            boolean otherSku) {
        static Promo percent(String idPrefix, int basisPoints) {
            return new Promo(idPrefix, basisPoints, null, null, false, false);
        }

        static Promo amount(String idPrefix, String currency, String amount) {
            return new Promo(idPrefix, null, currency, amount, false, false);
        }

        Promo forAllSkus() {
            return new Promo(idPrefix, basisPoints, amountCurrency, amount, true, false);
        }

        Promo forAnotherSku() {
            return new Promo(idPrefix, basisPoints, amountCurrency, amount, false, true);
        }
    }

    /**
     * One row: a price (tiers as min_quantity, unit pairs), promotions, when (offset from the window start)
     * and how many; expected unit price, tier and winning promotion (index into promos, -1 for none).
     */
    record Case(String name, String currency, String listUnit, Object[] tiers, List<Promo> promos, Duration at,
            long quantity, String expectedList, String expectedUnit, long expectedTier, int expectedPromo) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Object[] NO_TIERS = {};
    private static final Object[] EUR_TIERS = { 10, "9.00", 100, "8.00" };

    static Stream<Case> cases() {
        return Stream.of(
                new Case("quantity 1 pays the base price", "EUR", "10.00", EUR_TIERS, List.of(), INSIDE, 1,
                        "10.00", "10.00", 1, -1),
                new Case("just below the first tier", "EUR", "10.00", EUR_TIERS, List.of(), INSIDE, 9,
                        "10.00", "10.00", 1, -1),
                new Case("first tier at its minimum", "EUR", "10.00", EUR_TIERS, List.of(), INSIDE, 10,
                        "9.00", "9.00", 10, -1),
                new Case("just below the second tier", "EUR", "10.00", EUR_TIERS, List.of(), INSIDE, 99,
                        "9.00", "9.00", 10, -1),
                new Case("second tier at its minimum", "EUR", "10.00", EUR_TIERS, List.of(), INSIDE, 100,
                        "8.00", "8.00", 100, -1),
                new Case("EUR 0.225 rounds half-even down to 0.22", "EUR", "0.25", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), INSIDE, 3, "0.25", "0.22", 1, 0),
                new Case("EUR 0.315 rounds half-even up to 0.32", "EUR", "0.35", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), INSIDE, 3, "0.35", "0.32", 1, 0),
                new Case("JPY 94.5 rounds half-even down to 94", "JPY", "105", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), INSIDE, 7, "105", "94", 1, 0),
                new Case("JPY 103.5 rounds half-even up to 104", "JPY", "115", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), INSIDE, 7, "115", "104", 1, 0),
                new Case("BHD 0.5025 rounds half-even down to 0.502", "BHD", "1.005", NO_TIERS,
                        List.of(Promo.percent("p", 5000)), INSIDE, 3, "1.005", "0.502", 1, 0),
                new Case("BHD 0.5075 rounds half-even up to 0.508", "BHD", "1.015", NO_TIERS,
                        List.of(Promo.percent("p", 5000)), INSIDE, 3, "1.015", "0.508", 1, 0),
                new Case("KWD amount off keeps 3 decimals", "KWD", "2.500", NO_TIERS,
                        List.of(Promo.amount("p", "KWD", "0.125")), INSIDE, 4, "2.5", "2.375", 1, 0),
                new Case("a percentage applies to the tier price", "EUR", "10.00", EUR_TIERS,
                        List.of(Promo.percent("p", 2500)), INSIDE, 100, "8.00", "6.00", 100, 0),
                new Case("overlapping promotions: the lowest price wins", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("a", 1000), Promo.amount("b", "EUR", "1.50")), INSIDE, 2,
                        "10.00", "8.50", 1, 1),
                new Case("overlapping promotions: a tie goes to the smallest id", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("b", 1000), Promo.amount("a", "EUR", "1.00")), INSIDE, 2,
                        "10.00", "9.00", 1, 1),
                new Case("an amount off never goes below zero", "EUR", "1.00", NO_TIERS,
                        List.of(Promo.amount("p", "EUR", "5.00")), INSIDE, 5, "1.00", "0", 1, 0),
                new Case("100 % off is free", "JPY", "500", NO_TIERS, List.of(Promo.percent("p", 10000)), INSIDE,
                        2, "500", "0", 1, 0),
                new Case("an amount in another currency does not apply", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.amount("p", "USD", "1.00")), INSIDE, 1, "10.00", "10.00", 1, -1),
                new Case("a promotion listing no SKU applies to every SKU", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 2000).forAllSkus()), INSIDE, 1, "10.00", "8.00", 1, 0),
                new Case("a promotion for another SKU does not apply", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 2000).forAnotherSku()), INSIDE, 1, "10.00", "10.00", 1, -1),
                new Case("a promotion that lowers nothing is not reported", "EUR", "0.01", NO_TIERS,
                        List.of(Promo.percent("p", 1)), INSIDE, 1, "0.01", "0.01", 1, -1),
                new Case("window: 1 ns before the start", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), Duration.ofNanos(-1), 1, "10.00", "10.00", 1, -1),
                new Case("window: at the start (inclusive)", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), Duration.ZERO, 1, "10.00", "9.00", 1, 0),
                new Case("window: 1 ns before the end", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), WINDOW.minusNanos(1), 1, "10.00", "9.00", 1, 0),
                new Case("window: at the end (exclusive)", "EUR", "10.00", NO_TIERS,
                        List.of(Promo.percent("p", 1000)), WINDOW, 1, "10.00", "10.00", 1, -1));
    }

    private static int day;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pricesByTheContractRules(Case c) {
        Instant windowStart = FIRST_DAY.plus(Duration.ofDays(day++)).plus(Duration.ofHours(6));
        String sku = PricingClient.sku("RULE");
        client.upsertPrice(sku, c.currency(), c.listUnit(), c.tiers());
        String shared = UUID.randomUUID().toString().substring(0, 8);
        List<String> promotionNames = new ArrayList<>();
        for (Promo promo : c.promos()) {
            String id = promo.idPrefix() + "-" + shared;
            String[] skus = promo.allSkus() ? new String[0]
                    : new String[] { promo.otherSku() ? PricingClient.sku("OTHER") : sku };
            Promotion.Builder promotion = promo.basisPoints() != null
                    ? PricingClient.percentOff(id, promo.basisPoints(), windowStart, windowStart.plus(WINDOW), skus)
                    : PricingClient.amountOff(id, money(promo.amountCurrency(), promo.amount()), windowStart,
                            windowStart.plus(WINDOW), skus);
            promotionNames.add(client.upsertPromotion(promotion.build()).getName());
        }
        clock.set(windowStart.plus(c.at()));

        QuoteAnswer answer = client.quote(UUID.randomUUID().toString(), c.currency(),
                List.of(line(sku, c.quantity())));

        assertThat(answer.error()).isNull();
        PricedLine line = priced(answer.line(0));
        assertThat(line.getUnitPrice().getCurrencyCode()).isEqualTo(c.currency());
        assertThat(decimal(line.getListUnitPrice())).isEqualByComparingTo(c.expectedList());
        assertThat(decimal(line.getUnitPrice())).isEqualByComparingTo(c.expectedUnit());
        assertThat(decimal(line.getLineTotal()))
                .isEqualByComparingTo(new BigDecimal(c.expectedUnit()).multiply(BigDecimal.valueOf(c.quantity())));
        assertThat(line.getTierMinQuantity()).isEqualTo(c.expectedTier());
        assertThat(line.getPromotion()).isEqualTo(c.expectedPromo() < 0 ? "" : promotionNames.get(c.expectedPromo()));
        assertThat(decimal(answer.quote().getTotal())).isEqualByComparingTo(decimal(line.getLineTotal()));

        // The persisted quote holds exactly what the stream answered.
        assertThat(client.blocking.getQuote(GetQuoteRequest.newBuilder().setName(answer.quote().getName()).build())
                .getQuote()).isEqualTo(answer.quote());
    }
}
