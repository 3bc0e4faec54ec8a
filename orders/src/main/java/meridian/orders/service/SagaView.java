package meridian.orders.service;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderLine;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.Rejection;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;

/**
 * What the saga needs of an order, plus the order as the contract shows it. Read in one transaction, or
 * derived from the previous view by the change a saga step just wrote (the saga never re-reads its own writes):
 * a derived view equals what reading the order back would give.
 */
public record SagaView(UUID id, OrderStatus state, SagaStep step, int attempt, String locationId,
        String currencyCode, boolean allowBackorder, Instant quoteExpireTime, String reservationName,
        String commandMessage, List<Line> lines, Order order) {

    public record Line(String sku, long quantity) {
    }

    static SagaView of(OrderEntity o) {
        return new SagaView(o.id, o.state, o.sagaStep, o.attempt, o.locationId, o.currencyCode, o.allowBackorder,
                o.quoteExpireTime, o.reservationName, o.commandMessage,
                o.lines.stream().map(l -> new Line(l.sku, l.quantity)).toList(), OrderProtos.toProto(o));
    }

    /** The order {@code request} just inserted as {@code id}: PENDING, saga at PRICING. */
    static SagaView placed(UUID id, PlaceOrderRequest request, Instant now) {
        Order.Builder order = Order.newBuilder()
                .setName("orders/" + id)
                .setCustomerId(request.getCustomerId())
                .setLocationId(request.getLocationId())
                .setCurrencyCode(request.getCurrencyCode())
                .setState(OrderStatus.PENDING.toProto())
                .setAllowBackorder(request.getAllowBackorder())
                .setRequestId(request.getRequestId())
                .setCreateTime(OrderProtos.timestamp(now))
                .setUpdateTime(OrderProtos.timestamp(now));
        request.getLinesList().forEach(l -> order.addLines(OrderLine.newBuilder().setSku(l.getSku())
                .setQuantity(l.getQuantity())));
        return new SagaView(id, OrderStatus.PENDING, SagaStep.PRICING, 0, request.getLocationId(),
                request.getCurrencyCode(), request.getAllowBackorder(), null, null, null,
                request.getLinesList().stream().map(l -> new Line(l.getSku(), l.getQuantity())).toList(),
                order.build());
    }

    /** This order priced by {@code quote} (which has a price for every line), saga at RESERVING. */
    SagaView priced(Quote quote, Instant expireTime) {
        Map<String, PricedLine> bySku = new HashMap<>();
        quote.getLinesList().forEach(l -> bySku.put(l.getSku(), l));
        Order.Builder priced = order.toBuilder().setQuote(quote.getName())
                .setTotal(OrderProtos.stored(quote.getTotal(), currencyCode));
        for (OrderLine.Builder line : priced.getLinesBuilderList()) {
            PricedLine p = bySku.get(line.getSku());
            line.setUnitPrice(OrderProtos.stored(p.getUnitPrice(), currencyCode))
                    .setLineTotal(OrderProtos.stored(p.getLineTotal(), currencyCode))
                    .setPromotion(p.getPromotion());
        }
        return new SagaView(id, state, SagaStep.RESERVING, attempt, locationId, currencyCode, allowBackorder,
                expireTime, reservationName, commandMessage, lines, priced.build());
    }

    /** This order after a saga step ended (a pending command's message is cleared): update_time moves only with the state. */
    SagaView transitioned(OrderStatus to, SagaStep next, String reservation, Rejection rejection, Instant now) {
        Order.Builder changed = order.toBuilder().setState(to.toProto());
        if (to != state) {
            changed.setUpdateTime(OrderProtos.timestamp(now));
        }
        if (reservation == null) {
            changed.clearReservation();
        } else {
            changed.setReservation(reservation);
        }
        if (rejection == null) {
            changed.clearRejection();
        } else {
            changed.setRejection(rejection);
        }
        return new SagaView(id, to, next, attempt, locationId, currencyCode, allowBackorder, quoteExpireTime,
                reservation, null, lines, changed.build());
    }
}
