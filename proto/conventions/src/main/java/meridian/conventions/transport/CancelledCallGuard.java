package meridian.conventions.transport;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

/**
 * Drops what a method writes after its HTTP/2 stream is gone (the caller's deadline passed, the caller cancelled).
 * On the shared HTTP/gRPC port, Vert.x' gRPC bridge does not tell the method about a reset that arrives after the
 * request was read, and writes the late response onto the reset stream; Netty answers that with GOAWAY
 * PROTOCOL_ERROR and every other call on the connection fails with INTERNAL (quarkusio/quarkus#56268; seen in the
 * benchmark under overload, reproduced by inventory's CancelledCallTest). grpc-java's own transport ignores such
 * writes; this restores that behaviour.
 * <p>
 * The stream's end is seen on the call's event loop (the HTTP response's close handler); if the method had not
 * closed the call by then, it is told the call was cancelled. A unary response written
 * from a worker thread is handed to that event loop and checked there, so the reset cannot slip in between the check
 * and the write. Streaming responses are checked where they are written (handing them over would hide backpressure
 * from {@code isReady()}). Highest priority: its call wrapper sits next to the transport, under every other
 * interceptor.
 */
@GlobalInterceptor
@ApplicationScoped
public class CancelledCallGuard implements ServerInterceptor, Prioritized {

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
            ServerCallHandler<ReqT, RespT> next) {
        Context transport = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        RoutingContext routing = transport == null ? null : transport.getLocal(RoutingContext.class.getName());
        if (routing == null) {
            return next.startCall(call, headers); // not the shared HTTP port
        }
        GuardedCall<ReqT, RespT> guarded = new GuardedCall<>(call, transport, Thread.currentThread(),
                call.getMethodDescriptor().getType().serverSendsOneMessage());
        CancelOnStreamEnd<ReqT> listener = new CancelOnStreamEnd<>(next.startCall(guarded, headers), guarded);
        routing.response().closeHandler(ignored -> listener.streamEnded());
        return listener;
    }

    /**
     * Tells the method once that its call is cancelled: when the bridge reports it, or when the HTTP/2 stream ends
     * before the method closed the call (a reset the bridge does not report, quarkusio/quarkus#46986): a server
     * stream then stops producing instead of reading on into a dead stream.
     */
    private static final class CancelOnStreamEnd<ReqT> extends SimpleForwardingServerCallListener<ReqT> {
        private final GuardedCall<ReqT, ?> call;
        private final AtomicBoolean finished = new AtomicBoolean();

        CancelOnStreamEnd(ServerCall.Listener<ReqT> delegate, GuardedCall<ReqT, ?> call) {
            super(delegate);
            this.call = call;
        }

        @Override
        public void onComplete() {
            finished.set(true);
            super.onComplete();
        }

        @Override
        public void onCancel() {
            call.streamEnded = true;
            if (finished.compareAndSet(false, true)) {
                super.onCancel();
            }
        }

        void streamEnded() {
            call.streamEnded = true;
            if (!call.closing && finished.compareAndSet(false, true)) {
                super.onCancel();
            }
        }
    }

    private static final class GuardedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
        private final Context transport;
        private final Thread eventLoop;
        private final boolean unary;
        private volatile boolean streamEnded;
        /** The method closed the call: the stream's end that follows is not a cancel. */
        private volatile boolean closing;

        GuardedCall(ServerCall<ReqT, RespT> call, Context transport, Thread eventLoop, boolean unary) {
            super(call);
            this.transport = transport;
            this.eventLoop = eventLoop;
            this.unary = unary;
        }

        @Override
        public void sendHeaders(Metadata headers) {
            write(() -> super.sendHeaders(headers));
        }

        @Override
        public void sendMessage(RespT message) {
            write(() -> super.sendMessage(message));
        }

        @Override
        public void close(Status status, Metadata trailers) {
            closing = true;
            write(() -> super.close(status, trailers));
        }

        @Override
        public boolean isCancelled() {
            return streamEnded || super.isCancelled();
        }

        private void write(Runnable write) {
            if (!unary || Thread.currentThread() == eventLoop) {
                writeUnlessEnded(write);
            } else {
                // Writes of one call keep their order: the event loop runs them as they were handed over.
                transport.runOnContext(ignored -> writeUnlessEnded(write));
            }
        }

        private void writeUnlessEnded(Runnable write) {
            if (!streamEnded) {
                write.run();
            }
        }
    }
}
