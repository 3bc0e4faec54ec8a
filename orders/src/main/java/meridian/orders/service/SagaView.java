package meridian.orders.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.Order;

/** What the saga needs of an order, read in one transaction, plus the order as the contract shows it. */
public record SagaView(UUID id, OrderStatus state, SagaStep step, int attempt, String locationId,
        String currencyCode, boolean allowBackorder, Instant quoteExpireTime, String reservationName,
        List<Line> lines, Order order) {

    public record Line(String sku, long quantity) {
    }

    static SagaView of(OrderEntity o) {
        return new SagaView(o.id, o.state, o.sagaStep, o.attempt, o.locationId, o.currencyCode, o.allowBackorder,
                o.quoteExpireTime, o.reservationName,
                o.lines.stream().map(l -> new Line(l.sku, l.quantity)).toList(), OrderProtos.toProto(o));
    }
}
