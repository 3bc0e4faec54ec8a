package meridian.conventions.transport;

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
 * The stream's end is seen on the call's event loop (the HTTP response's close handler). A unary response written
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
        routing.response().closeHandler(ignored -> guarded.streamEnded = true);
        return new SimpleForwardingServerCallListener<>(next.startCall(guarded, headers)) {
            @Override
            public void onCancel() {
                guarded.streamEnded = true;
                super.onCancel();
            }
        };
    }

    private static final class GuardedCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {
        private final Context transport;
        private final Thread eventLoop;
        private final boolean unary;
        private volatile boolean streamEnded;

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
