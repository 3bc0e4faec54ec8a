package meridian.conventions.deadline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.quarkus.grpc.GlobalInterceptor;
import meridian.conventions.config.GrpcConventionsConfig;

/**
 * Gives every outgoing call a deadline of its own, computed when the call starts: the earliest of
 * the deadline the caller set, the remaining budget of the incoming call it serves (the gRPC
 * Context deadline) and now + the configured default. Server-streaming calls (long-lived watch
 * streams) get no default, only what the caller or the incoming call sets. Replaces
 * quarkus.grpc.clients.*.deadline, which fixes one absolute deadline per stub (Quarkus issue 41947).
 */
@GlobalInterceptor
@ApplicationScoped
public class DeadlineClientInterceptor implements ClientInterceptor {

    private final long defaultNanos;

    @Inject
    public DeadlineClientInterceptor(GrpcConventionsConfig config) {
        this(config.clientDeadline());
    }

    public DeadlineClientInterceptor(Duration defaultDeadline) {
        this.defaultNanos = defaultDeadline.toNanos();
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
            CallOptions callOptions, Channel next) {
        boolean longLived = method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
        Deadline deadline = effectiveDeadline(callOptions.getDeadline(), !longLived);
        return next.newCall(method, deadline == null ? callOptions : callOptions.withDeadline(deadline));
    }

    /** The deadline a call starting now gets, given the one its caller set (or null); null for none. */
    public Deadline effectiveDeadline(Deadline requested, boolean applyDefault) {
        Deadline deadline = applyDefault ? Deadline.after(defaultNanos, TimeUnit.NANOSECONDS) : null;
        Deadline inherited = Context.current().getDeadline();
        if (inherited != null) {
            deadline = deadline == null ? inherited : deadline.minimum(inherited);
        }
        if (requested != null) {
            deadline = deadline == null ? requested : deadline.minimum(requested);
        }
        return deadline;
    }
}
