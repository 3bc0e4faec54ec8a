package meridian.inventory.grpc;

import static meridian.inventory.grpc.InventoryClient.adjustment;
import static meridian.inventory.grpc.InventoryClient.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.service.LedgerRetention;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.inventory.v1.ReserveStockResponse;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.StockChangeKind;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;
import meridian.testing.TestChannels;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class WatchStockLevelsGrpcTest extends InventoryGrpcTest {

    private static final String LOCATION = "dc-watch";

    @Inject
    MeterRegistry meters;

    @Inject
    LedgerRetention retention;

    @Inject
    DataSource dataSource;

    /**
     * Writers commit in parallel, so commit order differs from start order. Here the earlier writer (T1, held
     * on a row lock) commits after a later one (T2): the watcher must not hand out T2's change before T1 ended
     * (a resume from T2's cursor would then skip T1's), and after a resume sees both exactly once.
     */
    @Test
    void aLaterWriterCommittingFirstIsNeitherMissedNorRepeatedAcrossAResume() throws Exception {
        String early = client.stockedSku(LOCATION, 10);
        String late = client.stockedSku(LOCATION, 10);
        String start = client.feed(requestId(), List.of(adjustment(LOCATION, late, 1)), 1).getCursor();
        try (Connection holder = dataSource.getConnection()) {
            lockStockLevel(holder, LOCATION, early);
            // T1 starts writing (claims its request id), then waits for the row lock.
            CompletableFuture<ReserveStockResponse> first = new CompletableFuture<>();
            client.async.reserveStock(InventoryClient.reserve(InventoryClient.line(LOCATION, early, 1)),
                    InventoryClient.observer(first));
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingForRowLock(holder));
            // T2 starts after T1 and commits first.
            client.blocking.reserveStock(InventoryClient.reserve(InventoryClient.line(LOCATION, late, 2)));
            Watch watch = Watch.open(channel, start, List.of(early, late));
            Thread.sleep(500); // several poll intervals: T2's change must stay held back while T1 runs
            assertThat(watch.changes).isEmpty();
            holder.rollback();
            InventoryClient.await(first);

            await().atMost(Duration.ofSeconds(30)).until(() -> !watch.changes.isEmpty());
            watch.cancel();
            List<StockChange> seen = new ArrayList<>(watch.changes);
            Watch resumed = Watch.open(channel, seen.get(seen.size() - 1).getCursor(), List.of(early, late));
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() + resumed.changes.size() >= 2);
            Thread.sleep(500); // a duplicate would arrive within a few poll intervals
            seen.addAll(resumed.changes);
            resumed.cancel();

            // Ledger order is start order: T1's change first, though it committed last; each exactly once.
            assertThat(seen).extracting(c -> c.getStockLevel().getSku()).containsExactly(early, late);
            assertThat(seen).extracting(StockChange::getKind).containsOnly(StockChangeKind.STOCK_CHANGE_KIND_RESERVED);
            assertThat(seen).extracting(c -> c.getStockLevel().getReserved()).containsExactly(1L, 2L);
        }
    }

    @Test
    void resumingFromTheLastCursorMissesNothingAndRepeatsNothing() {
        String sku = client.stockedSku(LOCATION, 1000);
        String start = client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1).getCursor();
        Watch first = Watch.open(channel, start, sku, Integer.MAX_VALUE);

        // Changes of every kind while the watcher is connected, then more after it drops.
        for (int i = 0; i < 10; i++) {
            client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1);
            client.blocking.reserveStock(InventoryClient.reserve(InventoryClient.line(LOCATION, sku, 2)));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> first.changes.size() >= 5);
        first.cancel();
        await().atMost(Duration.ofSeconds(30)).until(() -> first.done.isDone());
        List<StockChange> seen = new ArrayList<>(first.changes);
        for (int i = 0; i < 10; i++) {
            client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1);
        }

        Watch resumed = Watch.open(channel, seen.get(seen.size() - 1).getCursor(), sku, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() + resumed.changes.size() >= 30);
        seen.addAll(resumed.changes);
        resumed.cancel();

        assertThat(seen).hasSize(30);
        assertThat(seen).extracting(StockChange::getCursor).doesNotHaveDuplicates();
        List<Long> versions = seen.stream().map(c -> c.getStockLevel().getVersion()).toList();
        assertThat(versions).isSorted();
        // Each change continues exactly from the one before it: no gap.
        long onHand = 1001;
        long reserved = 0;
        for (StockChange change : seen) {
            onHand += change.getOnHandDelta();
            reserved += change.getReservedDelta();
            assertThat(change.getStockLevel().getOnHand()).isEqualTo(onHand);
            assertThat(change.getStockLevel().getReserved()).isEqualTo(reserved);
        }
        assertThat(seen).filteredOn(c -> c.getKind() == StockChangeKind.STOCK_CHANGE_KIND_RESERVED).hasSize(10);
        assertThat(client.stock(LOCATION, sku).getOnHand()).isEqualTo(onHand);
        assertThat(client.stock(LOCATION, sku).getVersion()).isEqualTo(versions.get(versions.size() - 1));
    }

    @Test
    void listingThenWatchingFromItsCursorMissesNothing() {
        String sku = client.stockedSku(LOCATION, 5);
        String cursor = client.blocking.listStockLevels(ListStockLevelsRequest.newBuilder()
                .setParent("locations/" + LOCATION).setSkuPrefix(sku).build()).getWatchCursor();
        Watch watch = Watch.open(channel, cursor, sku, Integer.MAX_VALUE);
        client.feed(requestId(), List.of(adjustment(LOCATION, sku, 2)), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.changes.size() == 1);
        assertThat(watch.changes.get(0).getStockLevel().getOnHand()).isEqualTo(7);
        watch.cancel();
    }

    @Test
    void badCursorsAreRefusedBeforeStreaming() {
        GrpcAssertions.assertStatus(() -> client.blocking.watchStockLevels(WatchStockLevelsRequest.newBuilder()
                .setStartCursor("garbage").build()).hasNext(), Status.Code.INVALID_ARGUMENT, "INVALID_CURSOR");

        String sku = client.stockedSku(LOCATION, 1);
        String old = client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1).getCursor();
        String last = client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1).getCursor();
        String kept = client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1).getCursor();
        // Retention purges everything up to the second entry: a watcher at the first must resync.
        retention.purge(Instant.now().plusSeconds(60), ContractMessagesAccess.position(last));
        GrpcAssertions.assertStatus(() -> client.blocking.watchStockLevels(WatchStockLevelsRequest.newBuilder()
                .setStartCursor(old).build()).hasNext(), Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED");
        Watch fromLast = Watch.open(channel, last, sku, Integer.MAX_VALUE);
        await().atMost(Duration.ofSeconds(30)).until(() -> fromLast.changes.size() == 1);
        assertThat(fromLast.changes.get(0).getCursor()).isEqualTo(kept);
        fromLast.cancel();
    }

    /**
     * A slow reader holds the server back (gRPC flow control), and a stream whose client cancelled stops
     * reading. The embedded HTTP/2 server does not report a client's RST_STREAM on a server stream
     * (quarkusio/quarkus#46986, eclipse-vertx/vert.x#5562), so the stream learns of it from the
     * transport (not writable any more) and is ended after the stall timeout, freeing its resources.
     */
    @Test
    void aSlowReaderDoesNotMakeTheServerReadAheadAndCancellingStopsTheReads() throws Exception {
        String sku = InventoryClient.newSku();
        String start = client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1).getCursor();
        List<StockAdjustment> lines = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            lines.add(adjustment(LOCATION, sku, 1));
        }
        client.feed(requestId(), lines, 10_000);

        // A small HTTP/2 window so the transport cannot absorb the backlog either.
        ManagedChannel small = NettyChannelBuilder.forAddress("localhost", TestChannels.appPort()).usePlaintext()
                .flowControlWindow(16 * 1024).build();
        try {
            double readBefore = entriesRead();
            Watch slow = Watch.open(small, start, sku, 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.changes.size() == 1);
            Thread.sleep(1500); // let an unbounded server run ahead, if it would
            double readWhileSlow = entriesRead() - readBefore;
            assertThat(readWhileSlow).as("entries read for a reader that took one").isLessThan(5_000);
            // Streams other tests cancelled may be reaped (stall timeout) at any moment, so only this
            // stream's own effect is asserted: counted while open, released after its cancel.
            double streamsWhileOpen = openStreams();
            assertThat(streamsWhileOpen).isGreaterThanOrEqualTo(1);

            slow.request(100);
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.changes.size() == 101);
            assertThat(slow.changes).extracting(c -> c.getStockLevel().getOnHand())
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(2, 102).boxed().toList());

            slow.cancel();
            client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1);
            Thread.sleep(1000); // several poll intervals
            double readAfterCancel = entriesRead();
            client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1);
            Thread.sleep(1000); // a live stream would read on
            assertThat(entriesRead()).isEqualTo(readAfterCancel);
            await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() <= streamsWhileOpen - 1);
        } finally {
            TestChannels.close(small);
        }
    }

    private double entriesRead() {
        return meters.get("inventory.watch.entries.read").counter().count();
    }

    private double openStreams() {
        return meters.get("inventory.watch.streams").gauge().value();
    }

    /** A watch stream whose reads the test controls: {@code initial} messages, then on request. */
    static final class Watch implements ClientResponseObserver<WatchStockLevelsRequest, WatchStockLevelsResponse> {

        final List<StockChange> changes = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile Throwable error;
        private final int initial;
        private volatile ClientCallStreamObserver<WatchStockLevelsRequest> call;

        private Watch(int initial) {
            this.initial = initial;
        }

        static Watch open(ManagedChannel channel, String cursor, String sku, int initial) {
            Watch watch = new Watch(initial);
            meridian.inventory.v1.InventoryServiceGrpc.newStub(channel).watchStockLevels(
                    WatchStockLevelsRequest.newBuilder().setStartCursor(cursor).addSkus(sku).build(), watch);
            return watch;
        }

        static Watch open(ManagedChannel channel, String cursor, List<String> skus) {
            Watch watch = new Watch(Integer.MAX_VALUE);
            meridian.inventory.v1.InventoryServiceGrpc.newStub(channel).watchStockLevels(
                    WatchStockLevelsRequest.newBuilder().setStartCursor(cursor).addAllSkus(skus).build(), watch);
            return watch;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchStockLevelsRequest> requestStream) {
            call = requestStream;
            if (initial != Integer.MAX_VALUE) {
                requestStream.disableAutoRequestWithInitial(initial);
            }
        }

        void request(int count) {
            call.request(count);
        }

        void cancel() {
            call.cancel("test done", null);
        }

        @Override
        public void onNext(WatchStockLevelsResponse value) {
            changes.add(value.getChange());
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            done.complete(null);
        }

        @Override
        public void onCompleted() {
            done.complete(null);
        }
    }
}
