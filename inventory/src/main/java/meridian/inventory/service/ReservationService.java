package meridian.inventory.service;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Retry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import meridian.conventions.errors.ServiceException;
import meridian.inventory.persistence.PersistenceFailure;
import meridian.inventory.v1.CommitReservationResponse;
import meridian.inventory.v1.ReleaseReservationResponse;
import meridian.inventory.v1.ReserveStockResponse;

/**
 * Reservations: reserve all lines or none, commit, release. A deadlock or serialization failure
 * (not expected with ordered locks, but possible) retries the whole transaction instead of reaching
 * the client.
 */
@ApplicationScoped
public class ReservationService {

    private final ReservationTransactions transactions;
    private final MeterRegistry meters;
    /** Counters by operation and outcome: a registry lookup sorts and compares tags on every call. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    ReservationService(ReservationTransactions transactions, MeterRegistry meters) {
        this.transactions = transactions;
        this.meters = meters;
    }

    @Retry(retryOn = PersistenceFailure.Contention.class, maxRetries = 5, delay = 10, jitter = 5)
    public ReserveStockResponse reserve(ReserveCommand command) {
        return counted("reserve", () -> transactions.reserve(command));
    }

    @Retry(retryOn = PersistenceFailure.Contention.class, maxRetries = 5, delay = 10, jitter = 5)
    public CommitReservationResponse commit(UUID reservationId, UUID requestId, String fingerprint) {
        return counted("commit", () -> transactions.commit(reservationId, requestId, fingerprint));
    }

    @Retry(retryOn = PersistenceFailure.Contention.class, maxRetries = 5, delay = 10, jitter = 5)
    public ReleaseReservationResponse release(UUID reservationId, UUID requestId, String fingerprint) {
        return counted("release", () -> transactions.release(reservationId, requestId, fingerprint));
    }

    /** Counts outcomes per operation: "ok" or the error reason. */
    private <T> T counted(String operation, Supplier<T> call) {
        String outcome = "error";
        try {
            T result = call.get();
            outcome = "ok";
            return result;
        } catch (ServiceException e) {
            outcome = e.reason();
            throw e;
        } finally {
            String o = outcome;
            counters.computeIfAbsent(operation + "/" + o,
                    k -> meters.counter("inventory.reservation.calls", "operation", operation, "outcome", o))
                    .increment();
        }
    }
}
