package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.narayana.jta.QuarkusTransaction;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.paging.PageTokens;
import meridian.pricing.domain.MinorUnits;
import meridian.pricing.domain.PriceRecord;
import meridian.pricing.domain.Tier;
import meridian.pricing.persistence.PriceEntity;
import meridian.pricing.persistence.PriceRepository;
import meridian.pricing.v1.ListPricesRequest;
import meridian.pricing.v1.ListPricesResponse;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceChange;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.UpsertPriceRequest;

/** Prices: cached reads, paged listing and audited, idempotent upserts. */
@ApplicationScoped
public class PriceService {

    @Inject
    PriceRepository prices;

    @Inject
    PriceBook book;

    @Inject
    IdempotentWrite idempotency;

    @Inject
    PriceWatch watch;

    @Inject
    Clock clock;

    /** The price named by its SKU and currency from already cached prices, or null when not cached. */
    public Price cached(String sku, String currencyCode) {
        PriceBook.SkuPrices cached = book.cachedPrices(sku);
        return cached == null ? null : found(cached, sku, currencyCode);
    }

    /** The price, loading it on a cache miss. Blocking. */
    public Price get(String sku, String currencyCode) {
        return found(book.prices(sku), sku, currencyCode);
    }

    private static Price found(PriceBook.SkuPrices prices, String sku, String currencyCode) {
        Price price = prices.messages().get(currencyCode);
        if (price == null) {
            throw ServiceException.notFound(PricingMessages.priceName(sku, currencyCode));
        }
        return price;
    }

    @WithSpan
    public ListPricesResponse list(ListPricesRequest request) {
        List<String> query = List.of("prices", request.getSkuPrefix(), request.getCurrencyCode());
        List<String> after = PageTokens.decode(request.getPageToken(), query, 2);
        int size = PageTokens.pageSize(request.getPageSize());
        List<PriceEntity> page = QuarkusTransaction.requiringNew().call(() -> prices.page(request.getSkuPrefix(),
                request.getCurrencyCode(), after.isEmpty() ? "" : after.get(0), after.isEmpty() ? "" : after.get(1),
                size + 1));
        ListPricesResponse.Builder response = ListPricesResponse.newBuilder();
        page.stream().limit(size).map(PricingMessages::toRecord).map(PricingMessages::toMessage)
                .forEach(response::addPrices);
        if (page.size() > size) {
            PriceEntity last = page.get(size - 1);
            response.setNextPageToken(PageTokens.encode(query, List.of(last.sku, last.currencyCode)));
        }
        return response.build();
    }

    /** Creates or replaces a price; see the contract for validation and idempotency. */
    @WithSpan
    public Price upsert(UpsertPriceRequest request, String actor) {
        String[] name = request.getPrice().getName().split("/");
        if (name.length != 4) {
            throw ServiceException.invalidField("price.name", "must be skus/{sku}/prices/{currency_code}");
        }
        String sku = name[1];
        String currency = name[3];
        MinorUnits.requireKnown(currency, "price.name");
        long unitMinor = MinorUnits.toMinor(request.getPrice().getUnitPrice(), currency, "price.unit_price");
        List<Tier> tiers = tiers(request.getPrice().getTiersList(), currency);
        String fingerprint = RequestFingerprint.of(request);

        IdempotentWrite.Result<Price> result = QuarkusTransaction.requiringNew().call(() -> {
            Instant now = PricingMessages.now(clock);
            return idempotency.run(request.getRequestId(), "UpsertPrice", fingerprint, now, Price.parser(), () -> {
                long[] idAndRevision = prices.upsert(sku, currency, unitMinor, tiers, actor, now);
                Price stored = PricingMessages.toMessage(
                        new PriceRecord(sku, currency, unitMinor, tiers, idAndRevision[1], actor, now));
                prices.recordHistory(idAndRevision[0], idAndRevision[1], UUID.fromString(request.getRequestId()),
                        actor, now, stored.toByteArray());
                watch.append(PriceChange.newBuilder().setPrice(stored), now);
                return stored;
            });
        });
        if (result.applied()) {
            book.invalidatePrices(sku);
            watch.committed();
        }
        return result.response();
    }

    private static List<Tier> tiers(List<PriceTier> input, String currency) {
        List<Tier> tiers = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            PriceTier tier = input.get(i);
            if (i > 0 && tier.getMinQuantity() <= input.get(i - 1).getMinQuantity()) {
                throw ServiceException.invalidField("price.tiers[" + i + "].min_quantity",
                        "must be greater than the previous tier's min_quantity");
            }
            tiers.add(new Tier(tier.getMinQuantity(),
                    MinorUnits.toMinor(tier.getUnitPrice(), currency, "price.tiers[" + i + "].unit_price")));
        }
        return tiers;
    }
}
