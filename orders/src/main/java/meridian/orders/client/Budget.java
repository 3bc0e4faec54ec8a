package meridian.orders.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;

/** Time left for a saga: every remote call it makes gets this deadline. */
public record Budget(Deadline deadline) {

    /**
     * The remaining budget of the incoming call being served (its gRPC Context deadline), capped to
     * {@code max}; {@code max} when the caller set none.
     */
    public static Budget ofIncomingCall(Duration max) {
        Deadline cap = Deadline.after(max.toNanos(), TimeUnit.NANOSECONDS);
        Deadline incoming = Context.current().getDeadline();
        return new Budget(incoming == null ? cap : incoming.minimum(cap));
    }

    public static Budget of(Duration duration) {
        return new Budget(Deadline.after(duration.toNanos(), TimeUnit.NANOSECONDS));
    }

    public boolean expired() {
        return deadline.isExpired();
    }

    public long remainingMillis() {
        return Math.max(0, deadline.timeRemaining(TimeUnit.MILLISECONDS));
    }
}
