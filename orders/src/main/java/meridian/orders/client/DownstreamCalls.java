package meridian.orders.client;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import meridian.orders.config.OrdersConfig;

/**
 * Runs an idempotent downstream call within a budget, retrying transient failures with exponential
 * backoff a few times while the budget lasts. Calls run detached from the incoming call's gRPC Context, so a caller
 * that goes away does not cancel a saga step halfway; the budget (derived from the caller's deadline)
 * bounds them instead.
 */
@ApplicationScoped
public class DownstreamCalls {

    private static final Set<Status.Code> TRANSIENT = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

    private final OrdersConfig config;

    public DownstreamCalls(OrdersConfig config) {
        this.config = config;
    }

    /** Whether a failure may go away on retry (the call is idempotent). */
    public static boolean isTransient(StatusRuntimeException e) {
        return TRANSIENT.contains(e.getStatus().getCode());
    }

    public <T> T retrying(Budget budget, Callable<T> call) {
        long backoff = config.saga().retryInitialBackoff().toMillis();
        long maxBackoff = config.saga().retryMaxBackoff().toMillis();
        for (int attempt = 1;; attempt++) {
            if (budget.expired()) {
                throw Status.DEADLINE_EXCEEDED.withDescription("saga budget exhausted").asRuntimeException();
            }
            try {
                return Context.ROOT.call(call);
            } catch (StatusRuntimeException e) {
                if (!isTransient(e) || attempt >= config.saga().retryMaxAttempts()
                        || budget.remainingMillis() <= backoff) {
                    throw e;
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
            backoff = Math.min(backoff * 2, maxBackoff);
        }
    }
}
