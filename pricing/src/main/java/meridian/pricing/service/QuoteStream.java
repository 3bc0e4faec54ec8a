package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.google.rpc.BadRequest;

import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.validation.RequestValidator;
import meridian.pricing.domain.MinorUnits;
import meridian.pricing.domain.PriceCalculator;
import meridian.pricing.domain.PriceRecord;
import meridian.pricing.domain.PricedUnit;
import meridian.pricing.domain.PromotionRecord;
import meridian.pricing.persistence.QuoteLines;
import meridian.pricing.v1.ErrorReason;
import meridian.pricing.v1.LineError;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;

/**
 * One QuotePrices stream. Messages are handled one at a time in arrival order (the endpoint takes the
 * next message only once the previous one is answered), so this state needs no locking. A line is priced
 * on the calling thread (the event loop) when its SKU's prices and the promotions are cached; only a cache
 * miss goes to a worker. Nothing is written before {@link #finish()}, so a cancelled stream leaves nothing
 * behind.
 */
public final class QuoteStream {

    /** The contract's limit of lines per quote. */
    public static final int MAX_LINES = 1000;

    private final PriceBook book;
    private final RequestValidator validator;
    private final Clock clock;
    private final QuoteService quotes;
    private final RequestFingerprint fingerprint = RequestFingerprint.stream();
    private final List<PricedLine> lines = new ArrayList<>();
    /** The lines to store, in minor units as priced (used when every line priced). */
    private final QuoteLines stored = new QuoteLines();

    private String requestId;
    private String currencyCode;
    /** {@link MinorUnits#digits} of the currency, looked up once per stream. */
    private int digits;
    /** When the first line arrived: every line is priced as of this instant. */
    private Instant pricedAt;
    /** The quote of an earlier stream with this request_id (a retry), loaded with the first line. */
    private QuoteService.StoredQuote earlier;
    private boolean anyLineFailed;
    /** The line {@link #accept} could not price from memory, and whether it is the stream's first. */
    private QuoteLineInput pending;
    private boolean loadEarlier;
    private long totalMinor;

    QuoteStream(PriceBook book, RequestValidator validator, Clock clock, QuoteService quotes) {
        this.book = book;
        this.validator = validator;
        this.clock = clock;
        this.quotes = quotes;
    }

    /**
     * Takes the next message and returns its answer when memory has it (cached prices and promotions: the
     * event loop's path), or null when the line needs the database (the stream's first line, which also looks
     * for an earlier quote with this request_id, or prices not cached): then {@link #pricePending()} answers it
     * on a worker before the next message is taken. Fails (ending the stream) when request_id or currency_code
     * are missing or change, or past {@link #MAX_LINES}.
     */
    public PricedLine accept(QuotePricesRequest request) {
        boolean first = requestId == null;
        List<BadRequest.FieldViolation> violations = validate(request, first);
        checkStreamFields(request, violations, first);
        if (lines.size() >= MAX_LINES) {
            throw ServiceException.invalidField("line", "a quote has at most " + MAX_LINES + " lines");
        }
        fingerprint.add(request);
        int index = lines.size();
        QuoteLineInput input = request.getLine();
        if (!violations.isEmpty()) {
            BadRequest.FieldViolation v = violations.get(0);
            return record(failed(index, input, ErrorReason.ERROR_REASON_INVALID_REQUEST,
                    v.getField() + ": " + v.getDescription()), 0);
        }
        if (!first) {
            PricedLine replayed = replayed(index, input);
            if (replayed != null) {
                return recordReplayed(replayed);
            }
            PriceBook.SkuPrices prices = book.cachedPrices(input.getSku());
            List<PromotionRecord> promotions = book.cachedPromotions();
            if (prices != null && promotions != null) {
                return price(index, input, prices, promotions);
            }
        }
        pending = input;
        loadEarlier = first;
        return null;
    }

    /** Answers the line {@link #accept} left pending, loading what is not cached. Blocking. */
    public PricedLine pricePending() {
        QuoteLineInput input = pending;
        pending = null;
        if (loadEarlier) {
            earlier = quotes.findByRequestId(requestId);
        }
        return price(lines.size(), input, book.prices(input.getSku()), book.promotions());
    }

    /** After the caller half-closed: the quote, persisted when every line priced. Blocking. */
    public Quote finish() {
        if (requestId == null) {
            throw ServiceException.invalidField("request_id", "the stream carried no line");
        }
        String hash = fingerprint.hex();
        if (earlier != null) {
            return QuoteService.sameRequest(earlier, requestId, hash);
        }
        if (anyLineFailed) {
            return Quote.newBuilder().setRequestId(requestId).setCurrencyCode(currencyCode).addAllLines(lines)
                    .setTotal(MinorUnits.toMoney(totalMinor, currencyCode, digits))
                    .setCreateTime(PricingMessages.timestamp(clock.instant())).build();
        }
        return quotes.persist(requestId, currencyCode, hash, lines, stored, totalMinor);
    }

    /**
     * The request's violations. After the first message, request_id and currency_code equal to the first
     * message's are valid already, so only the line is checked (the validator's CEL rules cost more per
     * message than the pricing itself).
     */
    private List<BadRequest.FieldViolation> validate(QuotePricesRequest request, boolean first) {
        if (first || !request.hasLine() || !requestId.equals(request.getRequestId())
                || !currencyCode.equals(request.getCurrencyCode())) {
            return validator.violations(request);
        }
        List<BadRequest.FieldViolation> violations = validator.violations(request.getLine());
        return violations.isEmpty() ? violations
                : violations.stream().map(v -> v.toBuilder().setField("line." + v.getField()).build()).toList();
    }

    private void checkStreamFields(QuotePricesRequest request, List<BadRequest.FieldViolation> violations,
            boolean first) {
        List<BadRequest.FieldViolation> streamViolations = violations.isEmpty() ? violations : violations.stream()
                .filter(v -> v.getField().equals("request_id") || v.getField().equals("currency_code")).toList();
        if (!streamViolations.isEmpty()) {
            throw ServiceException.invalidArgument(streamViolations);
        }
        if (first) {
            requestId = request.getRequestId();
            currencyCode = request.getCurrencyCode();
            digits = MinorUnits.digits(currencyCode);
            pricedAt = clock.instant();
            return;
        }
        if (!requestId.equals(request.getRequestId())) {
            throw ServiceException.invalidField("request_id", "must be the same in every message of the stream");
        }
        if (!currencyCode.equals(request.getCurrencyCode())) {
            throw ServiceException.invalidField("currency_code", "must be the same in every message of the stream");
        }
    }

    /** The stored line of a retried stream, when this line is the same as the stored one. */
    private PricedLine replayed(int index, QuoteLineInput input) {
        if (earlier == null || index >= earlier.quote().getLinesCount()) {
            return null;
        }
        PricedLine stored = earlier.quote().getLines(index);
        return stored.getSku().equals(input.getSku()) && stored.getQuantity() == input.getQuantity() ? stored : null;
    }

    /** Prices the line and records it. */
    private PricedLine price(int index, QuoteLineInput input, PriceBook.SkuPrices prices,
            List<PromotionRecord> promotions) {
        PricedLine replayed = replayed(index, input);
        if (replayed != null) {
            return recordReplayed(replayed);
        }
        if (prices.byCurrency().isEmpty()) {
            return record(failed(index, input, ErrorReason.ERROR_REASON_UNKNOWN_SKU, input.getSku() + " has no price"),
                    0);
        }
        PriceRecord price = prices.byCurrency().get(currencyCode);
        if (price == null) {
            return record(failed(index, input, ErrorReason.ERROR_REASON_CURRENCY_NOT_PRICED,
                    input.getSku() + " has no price in " + currencyCode), 0);
        }
        PricedUnit priced;
        try {
            priced = PriceCalculator.price(price, input.getQuantity(), promotions, pricedAt);
        } catch (ArithmeticException e) {
            return record(failed(index, input, ErrorReason.ERROR_REASON_INVALID_REQUEST, "line total is too large"), 0);
        }
        PricedLine.Builder line = PricedLine.newBuilder()
                .setIndex(index)
                .setSku(input.getSku())
                .setQuantity(input.getQuantity())
                .setUnitPrice(MinorUnits.toMoney(priced.unitMinor(), currencyCode, digits))
                .setListUnitPrice(MinorUnits.toMoney(priced.listUnitMinor(), currencyCode, digits))
                .setLineTotal(MinorUnits.toMoney(priced.lineTotalMinor(), currencyCode, digits))
                .setTierMinQuantity(priced.tierMinQuantity());
        if (priced.promotionId() != null) {
            line.setPromotion(PricingMessages.promotionName(priced.promotionId()));
        }
        PricedLine answer = record(line.build(), priced.lineTotalMinor());
        stored.add(input.getSku(), input.getQuantity(), priced.unitMinor(), priced.listUnitMinor(),
                priced.lineTotalMinor(), priced.tierMinQuantity(), priced.promotionId());
        return answer;
    }

    private static PricedLine failed(int index, QuoteLineInput input, ErrorReason reason, String message) {
        return PricedLine.newBuilder().setIndex(index).setSku(input.getSku()).setQuantity(input.getQuantity())
                .setError(LineError.newBuilder().setReason(ErrorReasons.of(reason)).setMessage(message)).build();
    }

    /** A stored line of a retried stream, recorded as answered. */
    private PricedLine recordReplayed(PricedLine line) {
        return record(line, line.hasError() ? 0 : MinorUnits.toMinor(line.getLineTotal(), currencyCode, "line_total"));
    }

    /** Adds the answered line (its total in minor units, 0 for a failed line) to the quote. */
    private PricedLine record(PricedLine line, long lineTotalMinor) {
        if (line.hasError()) {
            anyLineFailed = true;
        } else {
            try {
                totalMinor = Math.addExact(totalMinor, lineTotalMinor);
            } catch (ArithmeticException e) {
                throw ServiceException.invalidField("line", "the quote total is too large");
            }
        }
        lines.add(line);
        return line;
    }
}
