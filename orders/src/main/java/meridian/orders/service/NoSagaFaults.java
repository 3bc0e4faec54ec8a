package meridian.orders.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.DefaultBean;

/** Production: nothing happens between saga steps. */
@DefaultBean
@ApplicationScoped
public class NoSagaFaults implements SagaFaultHook {

    @Override
    public void reached(SagaPoint point, UUID orderId) {
        // no fault
    }
}
