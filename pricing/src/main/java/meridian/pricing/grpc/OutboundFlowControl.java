package meridian.pricing.grpc;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * gRPC flow control for Mutiny server-streaming endpoints. Quarkus subscribes the Multi an endpoint
 * returns with unbounded demand and queues whatever it emits, so a slow reader would make the server
 * buffer without bound. This interceptor exposes the call's readiness (isReady/onReady) to the endpoint,
 * and {@link #paced(Multi)} requests one item from the source at a time, only while the call is ready.
 * Generic: every watch stream needs it (candidate for the conventions module).
 */
@GlobalInterceptor
@ApplicationScoped
public class OutboundFlowControl implements ServerInterceptor {

    private static final Context.Key<Readiness> READINESS = Context.key("meridian-outbound-readiness");

    /** The readiness of one call's outbound side. */
    static final class Readiness {
        private final ServerCall<?, ?> call;
        private volatile Runnable onReady = () -> {
        };
        private volatile Runnable onEnd = () -> {
        };

        Readiness(ServerCall<?, ?> call) {
            this.call = call;
        }

        boolean isReady() {
            return call.isReady();
        }
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        if (call.getMethodDescriptor().getType() != MethodType.SERVER_STREAMING) {
            return next.startCall(call, headers);
        }
        Readiness readiness = new Readiness(call);
        ServerCall.Listener<ReqT> listener = Contexts.interceptCall(Context.current().withValue(READINESS, readiness),
                call, headers, next);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onReady() {
                readiness.onReady.run();
                super.onReady();
            }

            // Stops the source when the call ends. The Vert.x gRPC bridge of Quarkus 3.34 does not report a
            // client's RST_STREAM here; such a call is never ready again, so at most the one outstanding
            // request still completes (a caught-up tail keeps polling until the next change, then stops).
            @Override
            public void onCancel() {
                readiness.onEnd.run();
                super.onCancel();
            }

            @Override
            public void onComplete() {
                readiness.onEnd.run();
                super.onComplete();
            }
        };
    }

    /**
     * {@code source}, pulled one item at a time while the current call can take more. Call on the thread
     * that runs the endpoint method (it reads the call from the gRPC context).
     */
    public static <T> Multi<T> paced(Multi<T> source) {
        Readiness readiness = READINESS.get();
        if (readiness == null) {
            return source;
        }
        return Multi.createFrom().emitter(emitter -> {
            PacedSubscriber<T> subscriber = new PacedSubscriber<>(emitter, readiness);
            emitter.onTermination(subscriber::cancel);
            readiness.onReady = subscriber::pump;
            readiness.onEnd = subscriber::cancel;
            source.subscribe().withSubscriber(subscriber);
        });
    }

    private static final class PacedSubscriber<T> implements MultiSubscriber<T> {
        private final MultiEmitter<? super T> emitter;
        private final Readiness readiness;
        private final AtomicReference<Flow.Subscription> upstream = new AtomicReference<>();
        /** One item requested and not yet received. */
        private final AtomicBoolean outstanding = new AtomicBoolean();

        PacedSubscriber(MultiEmitter<? super T> emitter, Readiness readiness) {
            this.emitter = emitter;
            this.readiness = readiness;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream.set(subscription);
            pump();
        }

        @Override
        public void onItem(T item) {
            emitter.emit(item);
            outstanding.set(false);
            pump();
        }

        @Override
        public void onFailure(Throwable failure) {
            emitter.fail(failure);
        }

        @Override
        public void onCompletion() {
            emitter.complete();
        }

        void pump() {
            Flow.Subscription subscription = upstream.get();
            if (subscription != null && !emitter.isCancelled() && readiness.isReady()
                    && outstanding.compareAndSet(false, true)) {
                subscription.request(1);
            }
        }

        void cancel() {
            Flow.Subscription subscription = upstream.get();
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }
}
