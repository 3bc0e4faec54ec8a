package meridian.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.Timestamp;
import com.google.type.Money;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPromotionRequest;

/** Test helpers that talk to the app under test over real gRPC. */
public final class PricingClient {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    public final PricingServiceGrpc.PricingServiceBlockingStub blocking;
    public final PricingServiceGrpc.PricingServiceStub async;

    public PricingClient(Channel channel) {
        blocking = PricingServiceGrpc.newBlockingStub(channel);
        async = PricingServiceGrpc.newStub(channel);
    }

    /** A SKU no other test uses. */
    public static String sku(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
    }

    /** A promotion id no other test uses. */
    public static String promotionId(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Money from a decimal string, such as money("EUR", "10.25"). */
    public static Money money(String currency, String amount) {
        BigDecimal value = new BigDecimal(amount);
        BigDecimal units = new BigDecimal(value.toBigInteger());
        return Money.newBuilder().setCurrencyCode(currency).setUnits(units.longValueExact())
                .setNanos(value.subtract(units).movePointRight(9).intValueExact()).build();
    }

    /** The decimal value of money, for readable assertions. */
    public static BigDecimal decimal(Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9)).stripTrailingZeros();
    }

    public static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    public static Price price(String sku, String currency, String unit, Object... tiers) {
        Price.Builder price = Price.newBuilder().setName("skus/" + sku + "/prices/" + currency)
                .setUnitPrice(money(currency, unit));
        for (int i = 0; i < tiers.length; i += 2) {
            price.addTiers(PriceTier.newBuilder().setMinQuantity(((Number) tiers[i]).longValue())
                    .setUnitPrice(money(currency, (String) tiers[i + 1])));
        }
        return price.build();
    }

    /** Upserts a price: tiers as (min_quantity, unit price) pairs. */
    public Price upsertPrice(String sku, String currency, String unit, Object... tiers) {
        return blocking.upsertPrice(UpsertPriceRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setPrice(price(sku, currency, unit, tiers)).build()).getPrice();
    }

    public Promotion upsertPromotion(Promotion promotion) {
        return blocking.upsertPromotion(UpsertPromotionRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setPromotion(promotion).build()).getPromotion();
    }

    public static Promotion.Builder percentOff(String id, int basisPoints, Instant start, Instant end,
            String... skus) {
        return Promotion.newBuilder().setName("promotions/" + id).setDisplayName(id)
                .setPercentOffBasisPoints(basisPoints).addAllSkus(List.of(skus))
                .setStartTime(ts(start)).setEndTime(ts(end));
    }

    public static Promotion.Builder amountOff(String id, Money amount, Instant start, Instant end, String... skus) {
        return Promotion.newBuilder().setName("promotions/" + id).setDisplayName(id).setAmountOff(amount)
                .addAllSkus(List.of(skus)).setStartTime(ts(start)).setEndTime(ts(end));
    }

    public static QuoteLineInput line(String sku, long quantity) {
        return QuoteLineInput.newBuilder().setSku(sku).setQuantity(quantity).build();
    }

    public static QuotePricesRequest quoteRequest(String requestId, String currency, QuoteLineInput line) {
        return QuotePricesRequest.newBuilder().setRequestId(requestId).setCurrencyCode(currency).setLine(line).build();
    }

    /** What one QuotePrices stream answered. */
    public record QuoteAnswer(List<PricedLine> lines, Quote quote, Throwable error) {
        public PricedLine line(int index) {
            return lines.get(index);
        }
    }

    /** Streams the lines, half-closes and waits for the end of the stream. */
    public QuoteAnswer quote(String requestId, String currency, List<QuoteLineInput> lines) {
        return quote(requestId, currency, lines, null);
    }

    public QuoteAnswer quote(String requestId, String currency, List<QuoteLineInput> lines, String actor) {
        Collector collector = new Collector();
        PricingServiceGrpc.PricingServiceStub stub = actor == null ? async
                : async.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(actorHeader(actor)));
        StreamObserver<QuotePricesRequest> requests = stub.quotePrices(collector);
        for (QuoteLineInput line : lines) {
            requests.onNext(quoteRequest(requestId, currency, line));
        }
        requests.onCompleted();
        return collector.await();
    }

    public static Metadata actorHeader(String actor) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-meridian-actor", Metadata.ASCII_STRING_MARSHALLER), actor);
        return headers;
    }

    /** Collects the responses of a QuotePrices stream. */
    public static final class Collector implements StreamObserver<QuotePricesResponse> {
        public final List<PricedLine> lines = new CopyOnWriteArrayList<>();
        private volatile Quote quote;
        private final CompletableFuture<Throwable> done = new CompletableFuture<>();

        @Override
        public void onNext(QuotePricesResponse value) {
            if (value.hasLine()) {
                lines.add(value.getLine());
            } else {
                quote = value.getQuote();
            }
        }

        @Override
        public void onError(Throwable t) {
            done.complete(t);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }

        public QuoteAnswer await() {
            try {
                Throwable error = done.get(60, TimeUnit.SECONDS);
                return new QuoteAnswer(List.copyOf(lines), quote, error);
            } catch (Exception e) {
                throw new AssertionError("the quote stream did not end", e);
            }
        }

        public boolean isDone() {
            return done.isDone();
        }
    }

    /** Asserts the line priced without error. */
    public static PricedLine priced(PricedLine line) {
        assertThat(line.hasError()).as("line %s error %s", line.getIndex(), line.getError()).isFalse();
        return line;
    }
}
