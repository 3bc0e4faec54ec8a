package meridian.loadgen;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.grpc.stub.AbstractStub;
import io.grpc.stub.StreamObserver;

/** Ends a completion from the outcome of a unary call, validating the response. */
final class Unary {

    /** Like ghz's default timeout: a call that takes longer ends as DEADLINE_EXCEEDED instead of stalling a slot. */
    static final long DEADLINE_SECONDS = 10;

    private Unary() {
    }

    /** The stub for one call, with the deadline. */
    static <S extends AbstractStub<S>> S timed(S stub) {
        return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    static <R> StreamObserver<R> observer(Completion done, Predicate<R> valid) {
        return new StreamObserver<>() {
            private boolean answered;

            @Override
            public void onNext(R response) {
                answered = true;
                boolean ok;
                try {
                    ok = valid.test(response);
                } catch (RuntimeException e) {
                    ok = false;
                }
                Outcomes.check(ok, done);
            }

            @Override
            public void onError(Throwable t) {
                done.failed(t);
            }

            @Override
            public void onCompleted() {
                if (!answered) {
                    done.error(Outcomes.INVALID);
                }
            }
        };
    }
}
