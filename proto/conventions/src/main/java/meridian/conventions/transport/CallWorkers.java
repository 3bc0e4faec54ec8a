package meridian.conventions.transport;

import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.grpc.stub.StreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import meridian.conventions.errors.GrpcStatusMapper;

/**
 * Blocking work of a gRPC call that is not @Blocking: only the work goes to a worker, once, and its outcome comes
 * back on the call's event loop, where the call's other events arrive and its answers are written (Quarkus'
 * blocking dispatch hands every event of the call to a worker and back instead).
 */
public final class CallWorkers {

    private CallWorkers() {
    }

    /**
     * Runs {@code work} on a worker of the call's Vert.x context (which carries the trace; the gRPC context, with
     * the call's deadline and cancellation, is carried over), then {@code then} with its result or {@code failed}
     * with its failure, both on the call's event loop. Off an event loop (already on a worker) it runs in place.
     */
    public static <T> void onWorker(Supplier<T> work, Consumer<T> then, Consumer<Throwable> failed) {
        Context call = Vertx.currentContext();
        if (call == null || !Context.isOnEventLoopThread()) {
            T result;
            try {
                result = work.get();
            } catch (RuntimeException e) {
                failed.accept(e);
                return;
            }
            then.accept(result);
            return;
        }
        Callable<T> task = io.grpc.Context.current().wrap(work::get);
        call.executeBlocking(task, false).onComplete(outcome -> {
            if (outcome.succeeded()) {
                then.accept(outcome.result());
            } else {
                failed.accept(outcome.cause());
            }
        });
    }

    /** Answers a unary call with what {@code work} returns, computed on a worker; a failure as {@code errors} maps it. */
    public static <T> void reply(StreamObserver<T> response, Supplier<T> work, GrpcStatusMapper errors) {
        onWorker(work, answer -> {
            response.onNext(answer);
            response.onCompleted();
        }, failure -> response.onError(errors.toStatus(failure)));
    }
}
