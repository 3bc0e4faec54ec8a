package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import meridian.conventions.deadline.DeadlineClientInterceptor;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.GetStockLevelResponse;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;

/** The deadline each outgoing call carries, as the server sees it. */
class DeadlineClientInterceptorTest {

    private final AtomicReference<Deadline> seenByServer = new AtomicReference<>();
    private Server server;
    private ManagedChannel channel;
    private InventoryServiceGrpc.InventoryServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new InventoryServiceGrpc.InventoryServiceImplBase() {
            @Override
            public void getStockLevel(GetStockLevelRequest request, StreamObserver<GetStockLevelResponse> observer) {
                seenByServer.set(Context.current().getDeadline());
                observer.onNext(GetStockLevelResponse.getDefaultInstance());
                observer.onCompleted();
            }

            @Override
            public void watchStockLevels(WatchStockLevelsRequest request, StreamObserver<WatchStockLevelsResponse> observer) {
                seenByServer.set(Context.current().getDeadline());
                observer.onCompleted();
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        stub = InventoryServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                new DeadlineClientInterceptor(Duration.ofSeconds(30))));
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aCallWithoutDeadlineGetsTheDefaultComputedWhenItStarts() {
        stub.getStockLevel(GetStockLevelRequest.getDefaultInstance());
        long first = seenByServer.get().timeRemaining(TimeUnit.SECONDS);
        assertThat(first).isBetween(1L, 30L);
        // Computed per call, not once per stub (the Quarkus stub deadline bug): a later call gets a fresh budget.
        stub.getStockLevel(GetStockLevelRequest.getDefaultInstance());
        assertThat(seenByServer.get().timeRemaining(TimeUnit.SECONDS)).isBetween(1L, 30L);
    }

    @Test
    void theIncomingCallsRemainingBudgetWins() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Context.current().withDeadlineAfter(3, TimeUnit.SECONDS, timer)
                    .call(() -> stub.getStockLevel(GetStockLevelRequest.getDefaultInstance()));
        } finally {
            timer.shutdownNow();
        }
        assertThat(seenByServer.get().timeRemaining(TimeUnit.SECONDS)).isLessThanOrEqualTo(3L);
    }

    @Test
    void aShorterDeadlineSetByTheCallerWins() {
        stub.withDeadlineAfter(2, TimeUnit.SECONDS).getStockLevel(GetStockLevelRequest.getDefaultInstance());
        assertThat(seenByServer.get().timeRemaining(TimeUnit.SECONDS)).isLessThanOrEqualTo(2L);
    }

    @Test
    void aLongLivedWatchStreamGetsNoDefaultDeadline() {
        Iterator<WatchStockLevelsResponse> stream = stub.watchStockLevels(WatchStockLevelsRequest.getDefaultInstance());
        assertThat(stream.hasNext()).isFalse();
        assertThat(seenByServer.get()).isNull();
    }
}
