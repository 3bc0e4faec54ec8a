package meridian.conventions.watch;

import java.time.Duration;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.smallrye.mutiny.Multi;
import meridian.conventions.errors.GrpcStatusMapper;
import meridian.conventions.errors.ServiceException;

/**
 * Sends a Multi to a server-streaming call under gRPC flow control: one item is requested at a time,
 * and only while the call is ready (its outbound buffer below the transport's threshold), so a slow
 * reader stops the upstream instead of filling server memory. Cancelling the call cancels the Multi.
 *
 * Quarkus' Mutiny server stubs subscribe with unbounded demand, which is why watch endpoints use the
 * grpc-java service base and stream through this instead (see {@link ServerStreams}). The embedded HTTP/2 server does not report a client's RST_STREAM on
 * a server stream (quarkusio/quarkus#46986, eclipse-vertx/vert.x#5562): a stream whose transport
 * stays unwritable for the stall timeout is ended (UNAVAILABLE: resume from the last cursor) so an
 * abandoned stream cannot hold resources for ever.
 *
 * Create it inside the service method (gRPC accepts the handlers only then), with
 * {@link ServerStreams#open}; {@link #start} or
 * {@link #fail} may follow on another thread.
 */
public final class FlowControlledStream<T> implements Flow.Subscriber<T> {

    private final ServerCallStreamObserver<T> call;
    private final GrpcStatusMapper errors;
    private final ScheduledExecutorService timer;
    private final Duration stallTimeout;
    private final AtomicBoolean awaitingItem = new AtomicBoolean();
    private final AtomicBoolean stallCheckPending = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicInteger requesting = new AtomicInteger();
    private volatile boolean ended;
    private volatile Flow.Subscription subscription;

    public FlowControlledStream(ServerCallStreamObserver<T> call, GrpcStatusMapper errors, ScheduledExecutorService timer,
            Duration stallTimeout) {
        this.call = call;
        this.errors = errors;
        this.timer = timer;
        this.stallTimeout = stallTimeout;
        call.setOnCancelHandler(this::cancel);
        call.setOnReadyHandler(this::requestIfReady);
    }

    public void start(Multi<T> items) {
        items.subscribe().withSubscriber(this);
    }

    /** Ends the call with the status of {@code failure} before anything was streamed. */
    public void fail(Throwable failure) {
        onError(failure);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (ended) {
            s.cancel();
            return;
        }
        requestIfReady();
    }

    @Override
    public void onNext(T item) {
        synchronized (this) {
            if (ended) {
                return;
            }
            awaitingItem.set(false);
            call.onNext(item);
        }
        sent.incrementAndGet();
        requestIfReady();
    }

    @Override
    public synchronized void onError(Throwable failure) {
        if (!ended) {
            ended = true;
            call.onError(errors.toStatus(failure));
        }
    }

    @Override
    public synchronized void onComplete() {
        if (!ended) {
            ended = true;
            call.onCompleted();
        }
    }

    /** Ends the stream with UNAVAILABLE so the client resumes from its last cursor elsewhere (server shutdown). */
    public void endForShutdown() {
        endUnavailable("the server is shutting down; resume from the last cursor received");
    }

    private void endUnavailable(String message) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            call.onError(errors.toStatus(new ServiceException(Status.Code.UNAVAILABLE, "UNAVAILABLE", message)));
        }
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Whether the stream has ended, by completion, failure, cancellation or shutdown. */
    public boolean isEnded() {
        return ended;
    }

    private void cancel() {
        ended = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * At most one item is outstanding; the on-ready handler asks again once the transport drains. The on-ready
     * handler (event loop) and onNext (the upstream's thread) both get here, and Reactive Streams wants requests
     * made serially (rule 2.7): one thread requests at a time and re-checks for the others that came by.
     */
    private void requestIfReady() {
        if (requesting.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            Flow.Subscription s = subscription;
            if (s != null && !ended) {
                if (!call.isReady()) {
                    watchForStall();
                } else if (awaitingItem.compareAndSet(false, true)) {
                    s.request(1);
                }
            }
            missed = requesting.addAndGet(-missed);
        } while (missed != 0);
    }

    private void watchForStall() {
        if (stallCheckPending.compareAndSet(false, true)) {
            long sentBefore = sent.get();
            timer.schedule(() -> {
                stallCheckPending.set(false);
                if (ended) {
                    return;
                }
                if (!call.isReady() && sent.get() == sentBefore) {
                    endUnavailable("the stream stalled; resume from the last cursor received");
                } else {
                    requestIfReady();
                }
            }, stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
