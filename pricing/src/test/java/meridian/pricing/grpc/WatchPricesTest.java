package meridian.pricing.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.watch.Cursors;
import meridian.pricing.PricingClient;
import meridian.pricing.SettableClock;
import meridian.pricing.config.PricingConfig;
import meridian.pricing.service.PriceWatch;
import meridian.pricing.v1.PriceChange;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.WatchPricesRequest;
import meridian.pricing.v1.WatchPricesResponse;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;
import meridian.testing.TestChannels;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class WatchPricesTest extends PricingGrpcTest {

    @Inject
    PriceWatch priceWatch;

    @Inject
    SettableClock clock;

    @Inject
    PricingConfig config;

    private final List<Watcher> watchers = new ArrayList<>();

    @AfterEach
    void cancelWatchers() {
        watchers.forEach(Watcher::cancel);
        clock.reset();
    }

    /** A watch stream that asks for messages only when the test says so. */
    static final class Watcher implements ClientResponseObserver<WatchPricesRequest, WatchPricesResponse> {
        final List<PriceChange> changes = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> ended = new CompletableFuture<>();
        private final int initialRequest;
        private volatile ClientCallStreamObserver<WatchPricesRequest> call;

        Watcher(int initialRequest) {
            this.initialRequest = initialRequest;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchPricesRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(initialRequest);
        }

        @Override
        public void onNext(WatchPricesResponse value) {
            changes.add(value.getChange());
        }

        @Override
        public void onError(Throwable t) {
            ended.complete(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }

        void request(int n) {
            call.request(n);
        }

        void cancel() {
            call.cancel("test done", null);
        }

        List<String> names() {
            return changes.stream().map(c -> c.hasPrice() ? c.getPrice().getName() : c.getPromotion().getName())
                    .toList();
        }
    }

    private Watcher watch(PricingServiceGrpc.PricingServiceStub stub, String cursor, int initialRequest) {
        Watcher watcher = new Watcher(initialRequest);
        stub.watchPrices(WatchPricesRequest.newBuilder().setStartCursor(cursor).build(), watcher);
        watchers.add(watcher);
        return watcher;
    }

    private static String priceName(String sku) {
        return "skus/" + sku + "/prices/EUR";
    }

    @Test
    void resumesFromACursorWithoutGapOrDuplicate() throws Exception {
        Watcher first = watch(client.async, "", Integer.MAX_VALUE);
        // The stream starts at the head: wait until it is open by seeing a first change.
        String opener = PricingClient.sku("WATCH");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            client.upsertPrice(opener, "EUR", "1.00");
            return !first.changes.isEmpty();
        });
        List<String> expected = new CopyOnWriteArrayList<>();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                writes.add(writers.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        String sku = PricingClient.sku("WATCH");
                        client.upsertPrice(sku, "EUR", "2.00");
                        expected.add(priceName(sku));
                    }
                }));
            }
            Watcher promotions = null;
            for (Future<?> write : writes) {
                write.get(60, TimeUnit.SECONDS);
            }
        } finally {
            writers.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> first.names().containsAll(expected));
        int cut = first.changes.size() / 2;
        String cursor = first.changes.get(cut - 1).getCursor();
        first.cancel();

        // While nobody watches, more changes are committed, promotions too.
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String sku = PricingClient.sku("WATCH");
            client.upsertPrice(sku, "EUR", "3.00");
            later.add(priceName(sku));
        }
        later.add(client.upsertPromotion(PricingClient.percentOff(PricingClient.promotionId("watch"), 100,
                java.time.Instant.parse("2050-01-01T00:00:00Z"), java.time.Instant.parse("2050-01-02T00:00:00Z"))
                .build()).getName());

        Watcher resumed = watch(client.async, cursor, Integer.MAX_VALUE);
        List<String> expectedAfterCut = new ArrayList<>(first.names().subList(cut, first.changes.size()));
        expectedAfterCut.addAll(later);
        await().atMost(Duration.ofSeconds(20)).until(() -> resumed.changes.size() >= expectedAfterCut.size());
        assertThat(resumed.names()).containsExactlyElementsOf(expectedAfterCut);
        assertThat(resumed.changes.get(resumed.changes.size() - 1).hasPromotion()).isTrue();
        // Each change carries the resource as committed.
        assertThat(resumed.changes.get(0).getPrice()).isNotEqualTo(
                meridian.pricing.v1.Price.getDefaultInstance());
    }

    @Test
    void malformedOrForeignCursorsAreRefused() {
        for (String cursor : List.of("not a cursor", new Cursors("stock").encode(1))) {
            Watcher watcher = watch(client.async, cursor, 1);
            GrpcAssertions.assertStatus(() -> {
                throw watcher.ended.get(10, TimeUnit.SECONDS);
            }, Status.Code.INVALID_ARGUMENT, "INVALID_CURSOR");
        }
    }

    @Test
    void cursorsOlderThanTheRetentionExpire() throws Exception {
        Watcher watcher = watch(client.async, "", Integer.MAX_VALUE);
        String sku = PricingClient.sku("PRUNE");
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            client.upsertPrice(sku, "EUR", "1.00");
            return watcher.changes.size() >= 2;
        });
        String old = watcher.changes.get(0).getCursor();
        watcher.cancel();
        // Two more changes, so the change right after the old cursor is among those pruned (prune keeps the newest).
        client.upsertPrice(sku, "EUR", "2.00");
        client.upsertPrice(sku, "EUR", "3.00");

        clock.advance(Duration.ofDays(8));
        priceWatch.prune();
        clock.reset();

        Watcher expired = watch(client.async, old, 1);
        GrpcAssertions.assertStatus(() -> {
            throw expired.ended.get(10, TimeUnit.SECONDS);
        }, Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED");
    }

    @Test
    void aSlowReaderHoldsTheServerBackAndCancellingStopsTheReads() throws Exception {
        // A small HTTP/2 window so that flow control, not the client's buffer, is what holds the server.
        ManagedChannel narrow = NettyChannelBuilder.forAddress("localhost", TestChannels.appPort()).usePlaintext()
                .flowControlWindow(16 * 1024).build();
        try {
            Watcher slow = watch(PricingServiceGrpc.newStub(narrow), "", 1);
            String opener = PricingClient.sku("SLOW");
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                client.upsertPrice(opener, "EUR", "1.00");
                return !slow.changes.isEmpty();
            });
            long readBefore = priceWatch.entriesRead();
            int total = 600;
            Object[] tiers = new Object[40];
            for (int t = 0; t < 20; t++) {
                tiers[2 * t] = 10L * (t + 1);
                tiers[2 * t + 1] = "1000000." + (10 + t);
            }
            ExecutorService writers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int w = 0; w < 4; w++) {
                    writes.add(writers.submit(() -> {
                        for (int i = 0; i < total / 4; i++) {
                            client.upsertPrice(PricingClient.sku("SLOW"), "EUR", "999999.99", tiers);
                        }
                    }));
                }
                for (Future<?> write : writes) {
                    write.get(120, TimeUnit.SECONDS);
                }
            } finally {
                writers.shutdownNow();
            }
            // The reader took 1 change; the server read only what flow control let through, not all 600.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> priceWatch.entriesRead() - readBefore < total);
            assertThat(slow.changes).hasSize(1);

            slow.request(Integer.MAX_VALUE);
            await().atMost(Duration.ofSeconds(30)).until(() -> slow.changes.size() >= total + 1);

            slow.cancel();
            long readAtCancel = priceWatch.entriesRead();
            int afterCancel = 50;
            for (int i = 0; i < afterCancel; i++) {
                client.upsertPrice(PricingClient.sku("SLOW"), "EUR", "1.00");
            }
            // At most the batch that was already requested is read; a live stream would read all 50.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                    .until(() -> priceWatch.entriesRead() - readAtCancel <= config.watchBatchSize());
            assertThat(afterCancel).isGreaterThan(config.watchBatchSize());
        } finally {
            TestChannels.close(narrow);
        }
    }
}
