package meridian.orders.client;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import meridian.conventions.errors.ErrorDetails;
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

    /**
     * Whether a failure may go away on retry (the call is idempotent). An INTERNAL without ErrorInfo did not come
     * from the Meridian service, whose errors always carry one, but from the connection (an HTTP/2 stream reset or
     * GOAWAY under overload): the dependency could not be reached, not a defect of the request.
     */
    public static boolean isTransient(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return TRANSIENT.contains(code) || (code == Status.Code.INTERNAL && ErrorDetails.of(e).errorInfo().isEmpty());
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
