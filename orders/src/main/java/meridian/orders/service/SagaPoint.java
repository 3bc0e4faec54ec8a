package meridian.orders.service;

/** Points between saga steps where a process may die; {@link SagaFaultHook} is called at each. */
public enum SagaPoint {
    /** The PENDING order is committed; nothing happened elsewhere yet. */
    ORDER_CREATED,
    /** The quote is saved; the reservation is next. */
    QUOTE_SAVED,
    /** Inventory reserved; the order is not confirmed yet. */
    STOCK_RESERVED,
    /** A cancel's release is done in inventory; the order is not cancelled yet. */
    RESERVATION_RELEASED,
    /** A fulfil's commit is done in inventory; the order is not fulfilled yet. */
    RESERVATION_COMMITTED
}
