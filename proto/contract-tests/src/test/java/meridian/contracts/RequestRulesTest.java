package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import com.google.type.Money;

import meridian.conventions.validation.RequestValidator;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.BatchGetStockLevelsRequest;
import meridian.inventory.v1.CommitReservationRequest;
import meridian.inventory.v1.GetReservationRequest;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.inventory.v1.ReleaseReservationRequest;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.GetPromotionRequest;
import meridian.pricing.v1.GetQuoteRequest;
import meridian.pricing.v1.ListPricesRequest;
import meridian.pricing.v1.ListPromotionsRequest;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPromotionRequest;
import meridian.pricing.v1.WatchPricesRequest;

/**
 * For every request type of every v1 contract: a valid sample passes its buf.validate rules and an invalid one
 * fails on the documented field path. A request type without a row here fails {@link #everyRequestTypeHasARow()}.
 */
class RequestRulesTest {

    private static final String ID = "7a0c3f4e-2b1d-4c5e-9f60-1a2b3c4d5e6f";
    private static final RequestValidator VALIDATOR = new RequestValidator();

    private record Rule(Message valid, Message invalid, String field) {
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    private static void rule(Message valid, Message invalid, String field) {
        RULES.put(valid.getDescriptorForType().getFullName(), new Rule(valid, invalid, field));
    }

    static {
        // inventory
        GetStockLevelRequest get = GetStockLevelRequest.newBuilder().setName("locations/berlin-1/stockLevels/SKU-1").build();
        rule(get, get.toBuilder().setName("stockLevels/SKU-1").build(), "name");
        BatchGetStockLevelsRequest batch = BatchGetStockLevelsRequest.newBuilder()
                .addNames("locations/berlin-1/stockLevels/SKU-1").addNames("locations/berlin-1/stockLevels/SKU-2").build();
        rule(batch, BatchGetStockLevelsRequest.getDefaultInstance(), "names");
        ListStockLevelsRequest list = ListStockLevelsRequest.newBuilder().setParent("locations/-").setPageSize(50).build();
        rule(list, list.toBuilder().setPageSize(5000).build(), "page_size");
        ReservationLine line = ReservationLine.newBuilder().setSku("SKU-1").setLocationId("berlin-1").setQuantity(2).build();
        ReserveStockRequest reserve = ReserveStockRequest.newBuilder().setRequestId(ID).addLines(line)
                .setTtl(Duration.newBuilder().setSeconds(60)).build();
        rule(reserve, reserve.toBuilder().addLines(line.toBuilder().setQuantity(1)).build(), "lines");
        CommitReservationRequest commit = CommitReservationRequest.newBuilder().setName("reservations/r-1").setRequestId(ID).build();
        rule(commit, commit.toBuilder().setName("reservation/r-1").build(), "name");
        ReleaseReservationRequest release = ReleaseReservationRequest.newBuilder().setName("reservations/r-1").setRequestId(ID).build();
        rule(release, release.toBuilder().setRequestId("not-a-uuid").build(), "request_id");
        GetReservationRequest getReservation = GetReservationRequest.newBuilder().setName("reservations/r-1").build();
        rule(getReservation, GetReservationRequest.getDefaultInstance(), "name");
        StockAdjustment adjustment = StockAdjustment.newBuilder().setSku("SKU-1").setLocationId("berlin-1").setDelta(10)
                .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED).build();
        AdjustStockRequest adjust = AdjustStockRequest.newBuilder().setRequestId(ID).addAdjustments(adjustment).build();
        rule(adjust, adjust.toBuilder().setAdjustments(0, adjustment.toBuilder().setDelta(0)).build(), "adjustments[0].delta");
        WatchStockLevelsRequest watchStock = WatchStockLevelsRequest.newBuilder().addLocationIds("berlin-1").build();
        rule(watchStock, WatchStockLevelsRequest.newBuilder().addLocationIds("Berlin 1").build(), "location_ids[0]");

        // pricing
        GetPriceRequest getPrice = GetPriceRequest.newBuilder().setName("skus/SKU-1/prices/EUR").build();
        rule(getPrice, getPrice.toBuilder().setName("skus/SKU-1/prices/eur").build(), "name");
        ListPricesRequest listPrices = ListPricesRequest.newBuilder().setCurrencyCode("EUR").build();
        rule(listPrices, listPrices.toBuilder().setCurrencyCode("EURO").build(), "currency_code");
        Price price = Price.newBuilder().setName("skus/SKU-1/prices/EUR").setUnitPrice(eur(1, 990_000_000))
                .addTiers(PriceTier.newBuilder().setMinQuantity(10).setUnitPrice(eur(1, 500_000_000))).build();
        UpsertPriceRequest upsertPrice = UpsertPriceRequest.newBuilder().setRequestId(ID).setPrice(price).build();
        rule(upsertPrice, upsertPrice.toBuilder().setPrice(price.toBuilder().setUnitPrice(eur(-1, 0))).build(),
                "price.unit_price");
        GetPromotionRequest getPromotion = GetPromotionRequest.newBuilder().setName("promotions/black-friday").build();
        rule(getPromotion, getPromotion.toBuilder().setName("promotions/Black Friday").build(), "name");
        ListPromotionsRequest listPromotions = ListPromotionsRequest.newBuilder().setPageSize(10).build();
        rule(listPromotions, listPromotions.toBuilder().setPageSize(-1).build(), "page_size");
        Promotion promotion = Promotion.newBuilder().setName("promotions/black-friday").setDisplayName("Black Friday")
                .setPercentOffBasisPoints(1500).setStartTime(at(1_000)).setEndTime(at(2_000)).build();
        UpsertPromotionRequest upsertPromotion = UpsertPromotionRequest.newBuilder().setRequestId(ID).setPromotion(promotion).build();
        rule(upsertPromotion, upsertPromotion.toBuilder().setPromotion(promotion.toBuilder().setEndTime(at(1_000))).build(),
                "promotion");
        QuotePricesRequest quote = QuotePricesRequest.newBuilder().setRequestId(ID).setCurrencyCode("EUR")
                .setLine(QuoteLineInput.newBuilder().setSku("SKU-1").setQuantity(3)).build();
        rule(quote, quote.toBuilder().setLine(QuoteLineInput.newBuilder().setSku("SKU-1").setQuantity(0)).build(),
                "line.quantity");
        GetQuoteRequest getQuote = GetQuoteRequest.newBuilder().setName("quotes/q-1").build();
        rule(getQuote, getQuote.toBuilder().setName("quotes/").build(), "name");
        WatchPricesRequest watchPrices = WatchPricesRequest.getDefaultInstance();
        rule(watchPrices, WatchPricesRequest.newBuilder().setStartCursor("c".repeat(200)).build(), "start_cursor");

        // orders
        PlaceOrderRequest place = PlaceOrderRequest.newBuilder().setRequestId(ID).setCustomerId("customer-1")
                .setLocationId("berlin-1").setCurrencyCode("EUR")
                .addLines(OrderLineInput.newBuilder().setSku("SKU-1").setQuantity(1))
                .addLines(OrderLineInput.newBuilder().setSku("SKU-2").setQuantity(2)).build();
        rule(place, place.toBuilder().addLines(OrderLineInput.newBuilder().setSku("SKU-1").setQuantity(5)).build(), "lines");
        GetOrderRequest getOrder = GetOrderRequest.newBuilder().setName("orders/o-1").build();
        rule(getOrder, getOrder.toBuilder().setName("order/o-1").build(), "name");
        ListOrdersRequest listOrders = ListOrdersRequest.newBuilder().setCustomerId("customer-1")
                .addStates(OrderState.ORDER_STATE_CONFIRMED).build();
        rule(listOrders, listOrders.toBuilder().addStates(OrderState.ORDER_STATE_UNSPECIFIED).build(), "states[1]");
        CancelOrderRequest cancel = CancelOrderRequest.newBuilder().setName("orders/o-1").setRequestId(ID).build();
        rule(cancel, cancel.toBuilder().setRequestId("").build(), "request_id");
        FulfillOrderRequest fulfil = FulfillOrderRequest.newBuilder().setName("orders/o-1").setRequestId(ID).build();
        rule(fulfil, fulfil.toBuilder().setName("orders/O 1").build(), "name");
        WatchOrderEventsRequest watchOrders = WatchOrderEventsRequest.newBuilder().setCustomerId("customer-1").build();
        rule(watchOrders, watchOrders.toBuilder().setCustomerId("bad id!").build(), "customer_id");
    }

    @Test
    void everyRequestTypeHasARow() {
        Set<String> requestTypes = Contracts.services().stream()
                .flatMap(service -> service.getMethods().stream())
                .map(method -> method.getInputType().getFullName())
                .collect(Collectors.toSet());
        assertThat(RULES.keySet()).containsExactlyInAnyOrderElementsOf(requestTypes);
    }

    @TestFactory
    Stream<DynamicTest> validSamplesPass() {
        return RULES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(),
                () -> assertThat(VALIDATOR.violations(e.getValue().valid())).isEmpty()));
    }

    @TestFactory
    Stream<DynamicTest> invalidSamplesFailOnTheDocumentedField() {
        return RULES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey() + " rejects " + e.getValue().field(),
                () -> {
                    List<BadRequest.FieldViolation> violations = VALIDATOR.violations(e.getValue().invalid());
                    assertThat(violations).extracting(BadRequest.FieldViolation::getField)
                            .containsExactly(e.getValue().field());
                    assertThat(violations.get(0).getDescription()).isNotBlank();
                }));
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    private static Timestamp at(long seconds) {
        return Timestamp.newBuilder().setSeconds(seconds).build();
    }
}
