package meridian.orders.service;

import java.time.Instant;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.type.Money;

import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderLineEntity;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderLine;
import meridian.orders.v1.Rejection;

/** The contract's view of a stored order. */
public final class OrderProtos {

    private OrderProtos() {
    }

    public static Order toProto(OrderEntity o) {
        Order.Builder order = Order.newBuilder()
                .setName(o.name())
                .setCustomerId(o.customerId)
                .setLocationId(o.locationId)
                .setCurrencyCode(o.currencyCode)
                .setState(o.state.toProto())
                .setAllowBackorder(o.allowBackorder)
                .setRequestId(o.requestId.toString())
                .setCreateTime(timestamp(o.createTime))
                .setUpdateTime(timestamp(o.updateTime));
        for (OrderLineEntity l : o.lines) {
            OrderLine.Builder line = OrderLine.newBuilder().setSku(l.sku).setQuantity(l.quantity)
                    .setPromotion(l.promotion);
            if (l.unitPrice != null) {
                line.setUnitPrice(MoneyAmounts.of(l.unitPrice, o.currencyCode))
                        .setLineTotal(MoneyAmounts.of(l.lineTotal, o.currencyCode));
            }
            order.addLines(line);
        }
        if (o.total != null) {
            order.setTotal(MoneyAmounts.of(o.total, o.currencyCode));
        }
        if (o.quoteName != null) {
            order.setQuote(o.quoteName);
        }
        if (o.reservationName != null) {
            order.setReservation(o.reservationName);
        }
        if (o.rejection != null) {
            order.setRejection(rejection(o.rejection));
        }
        return order.build();
    }

    /** {@code money} as it reads back once stored (NUMERIC in the order's currency). */
    static Money stored(Money money, String currencyCode) {
        return MoneyAmounts.of(MoneyAmounts.of(money), currencyCode);
    }

    static Rejection rejection(byte[] bytes) {
        try {
            return Rejection.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored rejection is corrupt", e);
        }
    }

    public static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
