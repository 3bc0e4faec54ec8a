package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.narayana.jta.QuarkusTransaction;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.paging.PageTokens;
import meridian.pricing.domain.MinorUnits;
import meridian.pricing.domain.PromotionRecord;
import meridian.pricing.persistence.PromotionEntity;
import meridian.pricing.persistence.PromotionRepository;
import meridian.pricing.v1.ListPromotionsRequest;
import meridian.pricing.v1.ListPromotionsResponse;
import meridian.pricing.v1.PriceChange;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.UpsertPromotionRequest;

/** Promotions: reads, paged listing and audited, idempotent upserts. */
@ApplicationScoped
public class PromotionService {

    private static final String PREFIX = "promotions/";

    @Inject
    PromotionRepository promotions;

    @Inject
    PriceBook book;

    @Inject
    IdempotentWrite idempotency;

    @Inject
    PriceWatch watch;

    @Inject
    Clock clock;

    @WithSpan
    public Promotion get(String name) {
        PromotionEntity promotion = QuarkusTransaction.requiringNew()
                .call(() -> promotions.findById(name.substring(PREFIX.length())));
        if (promotion == null) {
            throw ServiceException.notFound(name);
        }
        return PricingMessages.toMessage(PricingMessages.toRecord(promotion));
    }

    @WithSpan
    public ListPromotionsResponse list(ListPromotionsRequest request) {
        Instant activeAt = request.hasActiveAt() ? PricingMessages.instant(request.getActiveAt()) : null;
        List<String> query = List.of("promotions", activeAt == null ? "" : activeAt.toString());
        List<String> after = PageTokens.decode(request.getPageToken(), query, 1);
        int size = PageTokens.pageSize(request.getPageSize());
        List<PromotionEntity> page = QuarkusTransaction.requiringNew()
                .call(() -> promotions.page(after.isEmpty() ? "" : after.get(0), activeAt, size + 1));
        ListPromotionsResponse.Builder response = ListPromotionsResponse.newBuilder();
        page.stream().limit(size).map(PricingMessages::toRecord).map(PricingMessages::toMessage)
                .forEach(response::addPromotions);
        if (page.size() > size) {
            response.setNextPageToken(PageTokens.encode(query, List.of(page.get(size - 1).id)));
        }
        return response.build();
    }

    /** Creates or replaces a promotion; see the contract for validation and idempotency. */
    @WithSpan
    public Promotion upsert(UpsertPromotionRequest request, String actor) {
        Promotion input = request.getPromotion();
        String id = input.getName().substring(PREFIX.length());
        Instant start = PricingMessages.instant(input.getStartTime());
        Instant end = PricingMessages.instant(input.getEndTime());
        if (!start.isBefore(end)) {
            throw ServiceException.invalidField("promotion.end_time", "must be after start_time (to the microsecond)");
        }
        Integer percent = null;
        Long amount = null;
        String currency = null;
        if (input.hasAmountOff()) {
            currency = input.getAmountOff().getCurrencyCode();
            MinorUnits.requireKnown(currency, "promotion.amount_off.currency_code");
            amount = MinorUnits.toMinor(input.getAmountOff(), currency, "promotion.amount_off");
        } else {
            percent = input.getPercentOffBasisPoints();
        }
        String fingerprint = RequestFingerprint.of(request);
        Integer percentOff = percent;
        Long amountOff = amount;
        String amountCurrency = currency;

        IdempotentWrite.Result<Promotion> result = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = PricingMessages.now(clock);
            return idempotency.run(request.getRequestId(), "UpsertPromotion", fingerprint, now, Promotion.parser(),
                    () -> {
                        long revision = promotions.upsert(id, input.getDisplayName(), percentOff, amountOff,
                                amountCurrency, input.getSkusList(), start, end, actor, now);
                        Promotion stored = PricingMessages.toMessage(new PromotionRecord(id, input.getDisplayName(),
                                percentOff == null ? 0 : percentOff, amountOff == null ? 0 : amountOff,
                                amountCurrency, Set.copyOf(input.getSkusList()), start, end, revision, actor, now));
                        promotions.recordHistory(id, revision, UUID.fromString(request.getRequestId()), actor, now,
                                stored.toByteArray());
                        watch.append(PriceChange.newBuilder().setPromotion(stored), now);
                        return stored;
                    });
        });
        if (result.applied()) {
            book.invalidatePromotions();
            watch.committed();
        }
        return result.response();
    }
}
