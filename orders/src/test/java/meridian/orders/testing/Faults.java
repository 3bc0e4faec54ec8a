package meridian.orders.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Controllable faults of one fake RPC: a delay, failures before acting, failures after acting. */
public final class Faults {

    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger failBefore = new AtomicInteger();
    private final AtomicInteger failAfter = new AtomicInteger();
    private volatile Status.Code code = Status.Code.UNAVAILABLE;

    /** The next {@code times} calls fail with {@code code} without any effect. */
    public Faults failBefore(int times, Status.Code code) {
        this.code = code;
        failBefore.set(times);
        return this;
    }

    /** The next {@code times} calls take effect, then fail with UNAVAILABLE (the answer is lost). */
    public Faults failAfter(int times) {
        failAfter.set(times);
        return this;
    }

    public Faults delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public void reset() {
        delay = Duration.ZERO;
        failBefore.set(0);
        failAfter.set(0);
    }

    void before() {
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failBefore.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StatusRuntimeException(Status.fromCode(code).withDescription("injected fault"));
        }
    }

    void after() {
        if (failAfter.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new StatusRuntimeException(Status.UNAVAILABLE.withDescription("injected fault after acting"));
        }
    }
}
