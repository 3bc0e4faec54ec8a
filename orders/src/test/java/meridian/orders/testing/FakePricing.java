package meridian.orders.testing;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.Timestamp;
import com.google.type.Money;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import meridian.pricing.v1.LineError;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;

/**
 * In-memory PricingService: list prices per SKU and currency, QuotePrices as the contract streams it
 * (a PricedLine per line, the Quote after half-close, idempotent by request_id), quotes that expire
 * after a settable TTL, injectable faults.
 */
public class FakePricing extends PricingServiceGrpc.PricingServiceImplBase {

    public final Faults quoteFaults = new Faults();
    public final AtomicInteger quotesIssued = new AtomicInteger();
    /** Milliseconds the last QuotePrices had before its deadline; -1 without one. */
    public volatile long lastQuoteBudgetMillis;
    /** TTL of new quotes; zero or negative issues quotes that are already expired. */
    public volatile Duration quoteTtl = Duration.ofMinutes(15);

    private final Map<String, Money> prices = new HashMap<>();
    private final Map<String, Quote> quotes = new HashMap<>();

    public synchronized void setPrice(String sku, String currency, String amount) {
        prices.put(sku + "/" + currency, money(new BigDecimal(amount), currency));
    }

    @Override
    public StreamObserver<QuotePricesRequest> quotePrices(StreamObserver<QuotePricesResponse> out) {
        Deadline deadline = Context.current().getDeadline();
        lastQuoteBudgetMillis = deadline == null ? -1 : deadline.timeRemaining(java.util.concurrent.TimeUnit.MILLISECONDS);
        List<PricedLine> lines = new ArrayList<>();
        String[] ids = new String[2];
        return new StreamObserver<>() {
            @Override
            public void onNext(QuotePricesRequest request) {
                ids[0] = request.getRequestId();
                ids[1] = request.getCurrencyCode();
                PricedLine line = price(lines.size(), request);
                lines.add(line);
                out.onNext(QuotePricesResponse.newBuilder().setLine(line).build());
            }

            @Override
            public void onError(Throwable t) {
                // a cancelled stream persists nothing
            }

            @Override
            public void onCompleted() {
                try {
                    quoteFaults.before();
                    Quote quote = quote(ids[0], ids[1], lines);
                    quoteFaults.after();
                    out.onNext(QuotePricesResponse.newBuilder().setQuote(quote).build());
                    out.onCompleted();
                } catch (StatusRuntimeException e) {
                    out.onError(e);
                }
            }
        };
    }

    private synchronized PricedLine price(int index, QuotePricesRequest request) {
        PricedLine.Builder line = PricedLine.newBuilder().setIndex(index).setSku(request.getLine().getSku())
                .setQuantity(request.getLine().getQuantity());
        Money unit = prices.get(request.getLine().getSku() + "/" + request.getCurrencyCode());
        if (unit == null) {
            return line.setError(LineError.newBuilder().setReason("UNKNOWN_SKU").setMessage("no price")).build();
        }
        BigDecimal total = amount(unit).multiply(BigDecimal.valueOf(request.getLine().getQuantity()));
        return line.setUnitPrice(unit).setListUnitPrice(unit).setTierMinQuantity(1)
                .setLineTotal(money(total, request.getCurrencyCode())).build();
    }

    private synchronized Quote quote(String requestId, String currency, List<PricedLine> lines) {
        Quote existing = quotes.get(requestId);
        if (existing != null) {
            return existing;
        }
        boolean priced = lines.stream().noneMatch(PricedLine::hasError);
        BigDecimal total = lines.stream().filter(l -> !l.hasError()).map(l -> amount(l.getLineTotal()))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        Instant now = Instant.now();
        Instant expire = now.plus(quoteTtl);
        Quote quote = Quote.newBuilder().setName(priced ? "quotes/" + UUID.randomUUID() : "")
                .setRequestId(requestId).setCurrencyCode(currency).addAllLines(lines)
                .setTotal(money(total, currency))
                .setCreateTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setExpireTime(Timestamp.newBuilder().setSeconds(expire.getEpochSecond()).setNanos(expire.getNano()))
                .build();
        if (priced) {
            quotes.put(requestId, quote);
            quotesIssued.incrementAndGet();
        }
        return quote;
    }

    static BigDecimal amount(Money m) {
        return BigDecimal.valueOf(m.getUnits()).add(BigDecimal.valueOf(m.getNanos(), 9));
    }

    static Money money(BigDecimal v, String currency) {
        long units = v.longValue();
        int nanos = v.subtract(BigDecimal.valueOf(units)).movePointRight(9).intValueExact();
        return Money.newBuilder().setCurrencyCode(currency).setUnits(units).setNanos(nanos).build();
    }
}
