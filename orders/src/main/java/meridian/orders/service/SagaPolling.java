package meridian.orders.service;

import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

import meridian.orders.client.Budget;

/** Waiting for a saga another caller runs (a duplicate PlaceOrder, a backorder retry): the order is polled. */
final class SagaPolling {

    private SagaPolling() {
    }

    /** The order once {@code done} holds for it; as it is when {@code budget} has less than two polls left. */
    static SagaView until(SagaView order, Predicate<SagaView> done, Function<UUID, SagaView> load, Budget budget,
            long pollMillis) {
        SagaView current = order;
        while (!done.test(current) && budget.remainingMillis() > 2 * pollMillis) {
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            current = load.apply(order.id());
        }
        return current;
    }
}
