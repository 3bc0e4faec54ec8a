package meridian.orders.service;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    private final Map<String, Pause> pauses = new ConcurrentHashMap<>();

    /** A saga held at a point: {@code reached} opens when it gets there, it goes on once {@code release} opens. */
    public record Pause(SagaPoint point, CountDownLatch reached, CountDownLatch release) {
    }
    private final Map<UUID, String> customers = new ConcurrentHashMap<>();

    /** The next saga of {@code customerId}'s order dies at {@code point}. */
    public void crashAt(String customerId, SagaPoint point) {
        crashes.put(customerId, point);
    }

    /** The next saga of {@code customerId}'s order waits at {@code point} until the returned pause is released. */
    public Pause pauseAt(String customerId, SagaPoint point) {
        Pause pause = new Pause(point, new CountDownLatch(1), new CountDownLatch(1));
        pauses.put(customerId, pause);
        return pause;
    }

    /** Which customer an order belongs to is read once, on its first point. */
    @Override
    public void reached(SagaPoint point, UUID orderId) {
        if (crashes.isEmpty() && pauses.isEmpty()) {
            return;
        }
        String customer = customers.computeIfAbsent(orderId, this::customerOf);
        Pause pause = pauses.get(customer);
        if (pause != null && pause.point() == point && pauses.remove(customer, pause)) {
            pause.reached().countDown();
            try {
                pause.release().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (crashes.remove(customer, point)) {
            throw new SimulatedCrash(point);
        }
    }

    private String customerOf(UUID orderId) {
        return io.quarkus.arc.Arc.container().instance(OrderStore.class).get().load(orderId).order().getCustomerId();
    }
}
