package meridian.conventions.deadline;

import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/**
 * Makes the caller's deadline the gRPC Context deadline of the call, on whatever thread the method runs.
 * On the shared HTTP/gRPC port (Vert.x transport) Quarkus gives a method no Context deadline (verified by
 * orders' PlaceOrderTest), so neither a service's own budget nor {@link DeadlineClientInterceptor} would see
 * the caller's remaining time. This reads the grpc-timeout header and attaches a Context with that deadline around
 * the call's callbacks, including those Quarkus moves to worker threads.
 */
@GlobalInterceptor
@ApplicationScoped
public class IncomingDeadlineInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);

    private final ScheduledThreadPoolExecutor timer = newTimer();

    /**
     * One thread that cancels the contexts of calls whose deadline passes. A call that ends first cancels its timer,
     * and the timer leaves the queue then: by default it stayed queued until its deadline, so at 30,000 calls/s with
     * 10 s deadlines 150,000 dead timers and their contexts filled pricing's old generation (200 MB) and a cached
     * GetPrice cost 33 us of CPU instead of 21.
     */
    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "incoming-deadline-timer");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /** Deadline timers of calls still running. */
    int pendingTimers() {
        return timer.getQueue().size();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            deadline = parse(headers.get(TIMEOUT));
        }
        if (deadline == null) {
            return next.startCall(call, headers);
        }
        Context.CancellableContext context = Context.current().withDeadline(deadline, timer);
        ServerCall.Listener<ReqT> listener = Contexts.interceptCall(context, call, headers, next);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null);
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }

    /** grpc-timeout: up to 8 digits and a unit (H, M, S, m, u, n); null when absent or malformed. */
    static Deadline parse(String timeout) {
        if (timeout == null || timeout.length() < 2 || timeout.length() > 9) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(timeout.substring(0, timeout.length() - 1));
        } catch (NumberFormatException e) {
            return null;
        }
        TimeUnit unit = switch (timeout.charAt(timeout.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null || value < 0 ? null : Deadline.after(value, unit);
    }
}
