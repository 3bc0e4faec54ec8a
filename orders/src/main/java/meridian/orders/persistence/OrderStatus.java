package meridian.orders.persistence;

import meridian.orders.v1.OrderState;

/** Life cycle of an order, stored by name; mirrors the contract's OrderState. */
public enum OrderStatus {
    PENDING, CONFIRMED, BACKORDERED, REJECTED, CANCELLED, FULFILLED;

    public OrderState toProto() {
        return OrderState.valueOf("ORDER_STATE_" + name());
    }

    public static OrderStatus of(OrderState state) {
        return valueOf(state.name().substring("ORDER_STATE_".length()));
    }
}
