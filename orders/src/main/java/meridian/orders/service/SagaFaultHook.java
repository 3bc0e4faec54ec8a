package meridian.orders.service;

import java.util.UUID;

/** Called by the saga between steps; tests replace it to simulate a crash at a given point. */
public interface SagaFaultHook {

    void reached(SagaPoint point, UUID orderId);
}
