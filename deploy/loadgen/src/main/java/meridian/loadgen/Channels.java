package meridian.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/** Connections to one server: each channel is one HTTP/2 connection, callbacks run on Netty's threads. */
public final class Channels implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final int port;

    public Channels(String host, int port, int connections) {
        this.port = port;
        for (int i = 0; i < connections; i++) {
            channels.add(NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor()
                    .maxInboundMessageSize(64 << 20).build());
        }
    }

    public ManagedChannel get(int connection) {
        return channels.get(connection % channels.size());
    }

    /** One stub per connection, so operation i on connection c uses {@code stubs.get(c)}. */
    public <S> List<S> stubs(Function<ManagedChannel, S> stub) {
        return channels.stream().map(stub).toList();
    }

    public int port() {
        return port;
    }

    public int size() {
        return channels.size();
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
