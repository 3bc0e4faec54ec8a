package meridian.bench.hello;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import meridian.bench.v1.EchoMessage;
import meridian.bench.v1.Greeter;
import meridian.bench.v1.HelloReply;
import meridian.bench.v1.HelloRequest;

/** The hello world as the Quarkus guide writes it: non-blocking, answered on the event loop. */
@GrpcService
public class GreeterService implements Greeter {

    @Override
    public Uni<HelloReply> sayHello(HelloRequest request) {
        return Uni.createFrom().item(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
    }

    @Override
    public Multi<EchoMessage> echo(Multi<EchoMessage> messages) {
        return messages;
    }
}
