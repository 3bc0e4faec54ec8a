package meridian.orders.persistence;

/** The next step of an order's saga, persisted before the remote call it stands for. */
public enum SagaStep {
    /** Quote the lines with pricing. */
    PRICING,
    /** Reserve the stock with inventory (the quote is saved). */
    RESERVING,
    /** A reservation may exist and must be released (the order's state is already final). */
    COMPENSATING,
    /** Nothing in flight in another service. */
    DONE
}
