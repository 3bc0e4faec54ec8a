package meridian.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.stub.StreamObserver;
import meridian.bench.v1.EchoMessage;
import meridian.bench.v1.GreeterGrpc;
import meridian.bench.v1.HelloReply;
import meridian.bench.v1.HelloRequest;

/**
 * Baseline B0: the plain grpc-java hello world, tuned the way grpc-java's own benchmarks run it (Netty epoll
 * transport, handlers on the event loop through a direct executor), plus the raw bidi echo.
 */
public final class PlainGrpcServer implements AutoCloseable {

    private final Server server;

    public PlainGrpcServer(int port) {
        NettyServerBuilder builder = NettyServerBuilder.forPort(port).directExecutor().addService(new Greeter());
        if (Epoll.isAvailable()) {
            builder.channelType(EpollServerSocketChannel.class).bossEventLoopGroup(new EpollEventLoopGroup(1))
                    .workerEventLoopGroup(new EpollEventLoopGroup());
        }
        server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Greeter extends GreeterGrpc.GreeterImplBase {

        @Override
        public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
            responses.onNext(HelloReply.newBuilder().setMessage("Hello " + request.getName()).build());
            responses.onCompleted();
        }

        @Override
        public StreamObserver<EchoMessage> echo(StreamObserver<EchoMessage> responses) {
            return new StreamObserver<>() {
                @Override
                public void onNext(EchoMessage message) {
                    responses.onNext(message);
                }

                @Override
                public void onError(Throwable t) {
                    responses.onError(t);
                }

                @Override
                public void onCompleted() {
                    responses.onCompleted();
                }
            };
        }
    }
}
