package meridian.loadgen;

import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.function.Predicate;

import io.grpc.stub.StreamObserver;

/**
 * Many operations on one bidirectional stream: each request is answered by one response, in order. Keeps one open
 * stream and replaces it after {@code maxPerStream} requests (a contract limit); responses for which
 * {@code isAnswer} is false (a closing summary) are not matched with requests.
 */
final class Pipeline<Q, R> {

    /** Opens a stream given where its responses go. */
    interface Opener<Q, R> {
        StreamObserver<Q> open(StreamObserver<R> responses);
    }

    private record Pending<R>(Predicate<R> check, Completion done) {
    }

    private final Opener<Q, R> opener;
    private final Predicate<R> isAnswer;
    private final int maxPerStream;
    private Stream current;

    Pipeline(Opener<Q, R> opener, Predicate<R> isAnswer, int maxPerStream) {
        this.opener = opener;
        this.isAnswer = isAnswer;
        this.maxPerStream = maxPerStream;
    }

    /** Sends the request built for the current stream's id; {@code check} validates its answer. */
    synchronized void send(Function<String, Q> request, Predicate<R> check, Completion done) {
        if (current == null || current.failed || current.sent == maxPerStream) {
            if (current != null && !current.failed) {
                current.requests.onCompleted();
            }
            current = new Stream();
        }
        current.sent++;
        current.pending.add(new Pending<>(check, done));
        current.requests.onNext(request.apply(current.id));
    }

    synchronized void close() {
        if (current != null && !current.failed) {
            current.requests.onCompleted();
        }
        current = null;
    }

    private final class Stream implements StreamObserver<R> {
        final String id = UUID.randomUUID().toString();
        final Queue<Pending<R>> pending = new ConcurrentLinkedQueue<>();
        final StreamObserver<Q> requests = opener.open(this);
        int sent;
        volatile boolean failed;

        @Override
        public void onNext(R response) {
            if (!isAnswer.test(response)) {
                return;
            }
            Pending<R> next = pending.poll();
            if (next != null) {
                Outcomes.check(next.check().test(response), next.done());
            }
        }

        @Override
        public void onError(Throwable t) {
            failed = true;
            Pending<R> next;
            while ((next = pending.poll()) != null) {
                next.done().failed(t);
            }
        }

        @Override
        public void onCompleted() {
            failAll("UNANSWERED");
        }

        private void failAll(String code) {
            Pending<R> next;
            while ((next = pending.poll()) != null) {
                next.done().error(code);
            }
        }
    }
}
