package meridian.orders.grpc;

import java.util.concurrent.Flow.Subscription;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import meridian.conventions.errors.GrpcStatusMapper;

/**
 * Sends a Multi to a server-streaming call under gRPC flow control: one item is requested only while the
 * transport is ready for more, so a slow client holds back the source (here: the event log reads)
 * instead of letting the server buffer without bound. Cancelling the call cancels the source.
 * Quarkus' Mutiny server stubs subscribe with unbounded demand, hence this bridge.
 */
final class FlowControlledStream<T> implements MultiSubscriber<T> {

    private final ServerCallStreamObserver<T> call;
    private final GrpcStatusMapper mapper;
    private final AtomicReference<Subscription> subscription = new AtomicReference<>();
    /** Whether one item is requested and not delivered yet: at most one in flight. */
    private final AtomicBoolean inFlight = new AtomicBoolean();

    private FlowControlledStream(ServerCallStreamObserver<T> call, GrpcStatusMapper mapper) {
        this.call = call;
        this.mapper = mapper;
    }

    static <T> void send(Multi<T> source, StreamObserver<T> observer, GrpcStatusMapper mapper) {
        ServerCallStreamObserver<T> call = (ServerCallStreamObserver<T>) observer;
        FlowControlledStream<T> stream = new FlowControlledStream<>(call, mapper);
        call.setOnReadyHandler(stream::requestIfReady);
        call.setOnCancelHandler(() -> {
            Subscription s = stream.subscription.getAndSet(null);
            if (s != null) {
                s.cancel();
            }
        });
        source.subscribe().withSubscriber(stream);
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription.set(s);
        if (call.isCancelled()) {
            s.cancel();
            return;
        }
        requestIfReady();
    }

    @Override
    public void onItem(T item) {
        call.onNext(item);
        inFlight.set(false);
        requestIfReady();
    }

    @Override
    public void onFailure(Throwable failure) {
        if (!call.isCancelled()) {
            call.onError(mapper.toStatus(failure));
        }
    }

    @Override
    public void onCompletion() {
        if (!call.isCancelled()) {
            call.onCompleted();
        }
    }

    private void requestIfReady() {
        Subscription s = subscription.get();
        if (s != null && call.isReady() && inFlight.compareAndSet(false, true)) {
            s.request(1);
        }
    }
}
