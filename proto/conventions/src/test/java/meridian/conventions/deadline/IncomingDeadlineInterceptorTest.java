package meridian.conventions.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;

/** The caller's grpc-timeout as the method's Context deadline, and what is left of it once calls end. */
class IncomingDeadlineInterceptorTest {

    private final IncomingDeadlineInterceptor interceptor = new IncomingDeadlineInterceptor();
    private final AtomicReference<Context> methodContext = new AtomicReference<>();

    @AfterEach
    void stop() {
        interceptor.stop();
    }

    @Test
    void theMethodRunsUnderTheCallersDeadline() {
        ServerCall.Listener<String> listener = start("30S");
        assertThat(methodContext.get().getDeadline().timeRemaining(TimeUnit.SECONDS)).isBetween(28L, 30L);
        listener.onComplete();
        assertThat(methodContext.get().isCancelled()).isTrue();
    }

    @Test
    void callsThatEndBeforeTheirDeadlineLeaveNoTimerBehind() {
        for (int i = 0; i < 1_000; i++) {
            ServerCall.Listener<String> listener = start("60S");
            if (i % 2 == 0) {
                listener.onComplete();
            } else {
                listener.onCancel();
            }
        }
        assertThat(interceptor.pendingTimers()).isZero();
    }

    @Test
    void aRunningCallKeepsItsTimerAndAPassedDeadlineCancelsItsContext() throws Exception {
        start("60S");
        assertThat(interceptor.pendingTimers()).isEqualTo(1);
        start("1m");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!methodContext.get().isCancelled() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(methodContext.get().isCancelled()).isTrue();
        assertThat(methodContext.get().cancellationCause()).isNotNull();
    }

    @Test
    void malformedTimeoutsAreIgnored() {
        assertThat(IncomingDeadlineInterceptor.parse("12X")).isNull();
        assertThat(IncomingDeadlineInterceptor.parse("S")).isNull();
        assertThat(IncomingDeadlineInterceptor.parse("123456789S")).isNull();
        Deadline deadline = IncomingDeadlineInterceptor.parse("1500m");
        assertThat(deadline.timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1_000L, 1_500L);
    }

    private ServerCall.Listener<String> start(String timeout) {
        Metadata headers = new Metadata();
        headers.put(IncomingDeadlineInterceptor.TIMEOUT, timeout);
        ServerCallHandler<String, String> method = (call, h) -> {
            methodContext.set(Context.current());
            return new ServerCall.Listener<>() {
            };
        };
        return interceptor.interceptCall(new UnaryCall(), headers, method);
    }

    /** The transport side of a unary call, as far as the interceptor touches it. */
    private static final class UnaryCall extends ServerCall<String, String> {

        private static final MethodDescriptor.Marshaller<String> NONE = new MethodDescriptor.Marshaller<>() {
            @Override
            public java.io.InputStream stream(String value) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String parse(java.io.InputStream stream) {
                throw new UnsupportedOperationException();
            }
        };

        @Override
        public void request(int numMessages) {
        }

        @Override
        public void sendHeaders(Metadata headers) {
        }

        @Override
        public void sendMessage(String message) {
        }

        @Override
        public void close(Status status, Metadata trailers) {
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            return MethodDescriptor.<String, String>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName("test.Service/Call").setRequestMarshaller(NONE).setResponseMarshaller(NONE)
                    .build();
        }
    }
}
