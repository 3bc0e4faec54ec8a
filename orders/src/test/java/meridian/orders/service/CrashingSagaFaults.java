package meridian.orders.service;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Test replacement of {@link NoSagaFaults}: "kills" the saga of a customer's order at a chosen point by
 * throwing an Error, which no saga code handles, so the order stays exactly as a crash would leave it.
 */
@ApplicationScoped
public class CrashingSagaFaults implements SagaFaultHook {

    /** What a process death looks like to the saga: nothing after this point runs. */
    public static final class SimulatedCrash extends Error {
        SimulatedCrash(SagaPoint point) {
            super("simulated crash at " + point, null, false, false);
        }
    }

    private final Map<String, SagaPoint> crashes = new ConcurrentHashMap<>();
    private final Map<UUID, String> customers = new ConcurrentHashMap<>();

    /** The next saga of {@code customerId}'s order dies at {@code point}. */
    public void crashAt(String customerId, SagaPoint point) {
        crashes.put(customerId, point);
    }

    /** Which customer an order belongs to is read once, on its first point. */
    @Override
    public void reached(SagaPoint point, UUID orderId) {
        if (crashes.isEmpty()) {
            return;
        }
        String customer = customers.computeIfAbsent(orderId, this::customerOf);
        if (crashes.remove(customer, point)) {
            throw new SimulatedCrash(point);
        }
    }

    private String customerOf(UUID orderId) {
        return io.quarkus.arc.Arc.container().instance(OrderStore.class).get().load(orderId).order().getCustomerId();
    }
}
