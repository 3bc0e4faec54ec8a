package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.google.protobuf.Timestamp;

import meridian.pricing.domain.MinorUnits;
import meridian.pricing.domain.PriceRecord;
import meridian.pricing.domain.PromotionRecord;
import meridian.pricing.domain.Tier;
import meridian.pricing.persistence.PriceEntity;
import meridian.pricing.persistence.PromotionEntity;
import meridian.pricing.persistence.QuoteEntity;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.Quote;

/** Conversions between rows, domain records and contract messages (resource names included). */
public final class PricingMessages {

    private PricingMessages() {
    }

    /** The SKU of a price name "skus/{sku}/prices/{currency_code}" (already validated by the contract's rule). */
    public static String skuOf(String priceName) {
        return priceName.substring("skus/".length(), priceName.indexOf('/', "skus/".length()));
    }

    /** The currency code of a price name "skus/{sku}/prices/{currency_code}". */
    public static String currencyOf(String priceName) {
        return priceName.substring(priceName.lastIndexOf('/') + 1);
    }

    public static String priceName(String sku, String currencyCode) {
        return "skus/" + sku + "/prices/" + currencyCode;
    }

    public static String promotionName(String id) {
        return "promotions/" + id;
    }

    public static String quoteName(Object id) {
        return "quotes/" + id;
    }

    public static PriceRecord toRecord(PriceEntity e) {
        return new PriceRecord(e.sku, e.currencyCode, e.unitMinor,
                e.tiers.stream().map(t -> new Tier(t.minQuantity, t.unitMinor)).toList(), e.revision, e.updateActor,
                e.updateTime);
    }

    public static PromotionRecord toRecord(PromotionEntity e) {
        return new PromotionRecord(e.id, e.displayName, e.percentOffBasisPoints == null ? 0 : e.percentOffBasisPoints,
                e.amountOffMinor == null ? 0 : e.amountOffMinor, e.amountOffCurrency,
                Set.copyOf(Arrays.asList(e.skus)), e.startTime, e.endTime, e.revision, e.updateActor, e.updateTime);
    }

    public static Price toMessage(PriceRecord p) {
        Price.Builder price = Price.newBuilder()
                .setName(priceName(p.sku(), p.currencyCode()))
                .setUnitPrice(MinorUnits.toMoney(p.unitMinor(), p.currencyCode()))
                .setUpdateActor(p.updateActor())
                .setUpdateTime(timestamp(p.updateTime()))
                .setRevision(p.revision());
        for (Tier tier : p.tiers()) {
            price.addTiers(PriceTier.newBuilder().setMinQuantity(tier.minQuantity())
                    .setUnitPrice(MinorUnits.toMoney(tier.unitMinor(), p.currencyCode())));
        }
        return price.build();
    }

    public static Promotion toMessage(PromotionRecord p) {
        Promotion.Builder promotion = Promotion.newBuilder()
                .setName(promotionName(p.id()))
                .setDisplayName(p.displayName())
                .addAllSkus(p.skus().stream().sorted().toList())
                .setStartTime(timestamp(p.startTime()))
                .setEndTime(timestamp(p.endTime()))
                .setUpdateActor(p.updateActor())
                .setUpdateTime(timestamp(p.updateTime()))
                .setRevision(p.revision());
        if (p.isPercentage()) {
            promotion.setPercentOffBasisPoints(p.percentOffBasisPoints());
        } else {
            promotion.setAmountOff(MinorUnits.toMoney(p.amountOffMinor(), p.amountOffCurrency()));
        }
        return promotion.build();
    }

    /** The stored quote's lines, in order. */
    public static List<PricedLine> lines(QuoteEntity quote) {
        String currencyCode = quote.currencyCode;
        int digits = MinorUnits.digits(currencyCode);
        List<PricedLine> lines = new ArrayList<>(quote.lineSku.length);
        for (int i = 0; i < quote.lineSku.length; i++) {
            PricedLine.Builder priced = PricedLine.newBuilder()
                    .setIndex(i)
                    .setSku(quote.lineSku[i])
                    .setQuantity(quote.lineQuantity[i])
                    .setUnitPrice(MinorUnits.toMoney(quote.lineUnitMinor[i], currencyCode, digits))
                    .setListUnitPrice(MinorUnits.toMoney(quote.lineListUnitMinor[i], currencyCode, digits))
                    .setLineTotal(MinorUnits.toMoney(quote.lineTotalMinor[i], currencyCode, digits))
                    .setTierMinQuantity(quote.lineTierMinQuantity[i]);
            if (quote.linePromotionId[i] != null) {
                priced.setPromotion(promotionName(quote.linePromotionId[i]));
            }
            lines.add(priced.build());
        }
        return lines;
    }

    public static Quote.Builder toMessage(QuoteEntity quote) {
        return Quote.newBuilder()
                .setName(quoteName(quote.id))
                .setRequestId(quote.requestId.toString())
                .setCurrencyCode(quote.currencyCode)
                .setTotal(MinorUnits.toMoney(quote.totalMinor, quote.currencyCode))
                .setCreateTime(timestamp(quote.createTime))
                .setExpireTime(timestamp(quote.expireTime));
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    /** A request's time, to the microsecond PostgreSQL stores (so what is answered is what is stored). */
    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()).truncatedTo(ChronoUnit.MICROS);
    }

    /** The clock's now, to the microsecond PostgreSQL stores. */
    public static Instant now(Clock clock) {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
