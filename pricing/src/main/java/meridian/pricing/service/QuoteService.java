package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.narayana.jta.QuarkusTransaction;
import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.validation.RequestValidator;
import meridian.pricing.config.PricingConfig;
import meridian.pricing.persistence.QuoteEntity;
import meridian.pricing.persistence.QuoteLines;
import meridian.pricing.persistence.QuoteRepository;
import meridian.pricing.v1.ErrorReason;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;

/** Binding quotes: the QuotePrices streams, persisting quotes and reading them back until they expire. */
@ApplicationScoped
public class QuoteService {

    /** A persisted quote and the fingerprint of the stream that created it. */
    record StoredQuote(Quote quote, String fingerprint) {
    }

    @Inject
    QuoteRepository quotes;

    @Inject
    PriceBook book;

    @Inject
    RequestValidator validator;

    @Inject
    PricingConfig config;

    @Inject
    Clock clock;

    /** State of one QuotePrices stream. */
    public QuoteStream open() {
        return new QuoteStream(book, validator, clock, this);
    }

    /** The quote with its exact prices; NOT_FOUND, or FAILED_PRECONDITION QUOTE_EXPIRED from its expire_time on. */
    @WithSpan
    public Quote get(String name) {
        String id = name.substring("quotes/".length());
        UUID quoteId;
        try {
            quoteId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ServiceException.notFound(name);
        }
        StoredQuote stored = QuarkusTransaction.requiringNew()
                .call(() -> Optional.ofNullable(quotes.findById(quoteId)).map(this::load).orElse(null));
        if (stored == null) {
            throw ServiceException.notFound(name);
        }
        Instant expiry = PricingMessages.instant(stored.quote().getExpireTime());
        if (!clock.instant().isBefore(expiry)) {
            throw ServiceException.failedPrecondition(ErrorReasons.of(ErrorReason.ERROR_REASON_QUOTE_EXPIRED),
                    name + " expired at " + expiry + "; request a new quote",
                    List.of(ServiceException.preconditionViolation("QUOTE_EXPIRED", name,
                            "the quote's prices held until " + expiry)))
                    .withMetadata("expire_time", expiry.toString());
        }
        return stored.quote();
    }

    /**
     * The quote an earlier stream with this request_id persisted, if any. Blocking. A plain existence check first:
     * nearly every stream is new, and only a retry pays for loading the quote in a transaction.
     */
    StoredQuote findByRequestId(String requestId) {
        UUID id = UUID.fromString(requestId);
        if (!quotes.requestIdTaken(id)) {
            return null;
        }
        return QuarkusTransaction.requiringNew()
                .call(() -> quotes.findByRequestId(id).map(this::load).orElse(null));
    }

    /**
     * Persists a fully priced quote ({@code lines} as answered, {@code stored} the same in minor units) in one
     * statement. A concurrent stream with the same request_id that committed first wins: its quote is returned
     * when the lines are the same, else REQUEST_ID_REUSED. No span of its own: the statement's span is the work.
     */
    Quote persist(String requestId, String currencyCode, String fingerprint, List<PricedLine> lines,
            QuoteLines stored, long totalMinor) {
        Instant now = PricingMessages.now(clock);
        QuoteEntity quote = new QuoteEntity();
        quote.id = UUID.randomUUID();
        quote.requestId = UUID.fromString(requestId);
        quote.fingerprint = fingerprint;
        quote.currencyCode = currencyCode;
        quote.totalMinor = totalMinor;
        quote.createTime = now;
        quote.expireTime = now.plus(config.quoteTtl());
        stored.storeIn(quote);
        if (!quotes.insert(quote)) {
            StoredQuote winner = findByRequestId(requestId);
            if (winner == null) {
                throw new IllegalStateException("quote request " + requestId + " conflicted but is not stored");
            }
            return sameRequest(winner, requestId, fingerprint);
        }
        return PricingMessages.toMessage(quote).addAllLines(lines).build();
    }

    static Quote sameRequest(StoredQuote stored, String requestId, String fingerprint) {
        if (!stored.fingerprint().equals(fingerprint)) {
            throw ServiceException.requestIdReused(requestId);
        }
        return stored.quote();
    }

    private StoredQuote load(QuoteEntity quote) {
        return new StoredQuote(PricingMessages.toMessage(quote).addAllLines(PricingMessages.lines(quote)).build(),
                quote.fingerprint);
    }
}
