package meridian.orders.persistence;

/**
 * The next step of an order's saga, persisted before the remote call it stands for: placement and backorder retries
 * (PRICING, RESERVING, COMPENSATING), cancel and fulfil (CANCELLING, FULFILLING). Recovery resumes any of them.
 */
public enum SagaStep {
    /** Quote the lines with pricing. */
    PRICING,
    /** Reserve the stock with inventory (the quote is saved). */
    RESERVING,
    /** A reservation may exist and must be released (the order's state is already final). */
    COMPENSATING,
    /** A cancel was accepted: the reservation (if any) is released next, then the order is CANCELLED. */
    CANCELLING,
    /** A fulfil was accepted: the reservation is committed next, then the order is FULFILLED. */
    FULFILLING,
    /** Nothing in flight in another service. */
    DONE
}
