package meridian.pricing.grpc;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;

/** Puts the caller's principal (header x-meridian-actor, else "anonymous") in the call context for audits. */
@GlobalInterceptor
@ApplicationScoped
public class ActorInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> HEADER = Metadata.Key.of("x-meridian-actor", Metadata.ASCII_STRING_MARSHALLER);
    static final String ANONYMOUS = "anonymous";
    private static final Context.Key<String> ACTOR = Context.keyWithDefault("meridian-actor", ANONYMOUS);
    private static final int MAX_LENGTH = 200;

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        String actor = headers.get(HEADER);
        if (actor == null || actor.isBlank()) {
            return next.startCall(call, headers);
        }
        String trimmed = actor.strip();
        Context context = Context.current().withValue(ACTOR,
                trimmed.length() > MAX_LENGTH ? trimmed.substring(0, MAX_LENGTH) : trimmed);
        return Contexts.interceptCall(context, call, headers, next);
    }

    /** The actor of the current call. */
    static String current() {
        return ACTOR.get();
    }
}
