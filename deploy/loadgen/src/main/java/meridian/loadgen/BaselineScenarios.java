package meridian.loadgen;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import meridian.bench.v1.EchoMessage;
import meridian.bench.v1.GreeterGrpc;
import meridian.bench.v1.HelloReply;
import meridian.bench.v1.HelloRequest;

/** The baselines' operations: unary hello and a message on a bidi echo stream. */
final class BaselineScenarios {

    private BaselineScenarios() {
    }

    static Scenario hello(Channels channels) {
        HelloRequest request = HelloRequest.newBuilder().setName("loadgen").build();
        String expected = "Hello loadgen";
        List<GreeterGrpc.GreeterStub> stubs = channels.stubs(GreeterGrpc::newStub);
        return new Scenario() {
            @Override
            public String name() {
                return "SayHello";
            }

            @Override
            public void start(int connection, Completion done) {
                Unary.timed(stubs.get(connection)).sayHello(request, Unary.observer(done, (HelloReply r) -> expected.equals(r.getMessage())));
            }
        };
    }

    /** One long-lived echo stream per connection, with as many messages in flight as the load asks. */
    static Scenario echo(Channels channels, String payload) {
        @SuppressWarnings("unchecked")
        Pipeline<EchoMessage, EchoMessage>[] lanes = new Pipeline[channels.size()];
        for (int i = 0; i < lanes.length; i++) {
            GreeterGrpc.GreeterStub stub = GreeterGrpc.newStub(channels.get(i));
            lanes[i] = new Pipeline<>(stub::echo, r -> true, Integer.MAX_VALUE);
        }
        AtomicLong sequence = new AtomicLong();
        return new Scenario() {
            @Override
            public String name() {
                return "Echo";
            }

            @Override
            public String unit() {
                return "message";
            }

            @Override
            public void start(int connection, Completion done) {
                long seq = sequence.incrementAndGet();
                lanes[connection].send(id -> EchoMessage.newBuilder().setSequence(seq).setPayload(payload).build(),
                        r -> r.getSequence() == seq && payload.equals(r.getPayload()), done);
            }

            @Override
            public void close() {
                for (Pipeline<EchoMessage, EchoMessage> lane : lanes) {
                    lane.close();
                }
            }
        };
    }
}
