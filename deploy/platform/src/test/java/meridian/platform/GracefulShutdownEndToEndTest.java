package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockChange;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.PricingServiceGrpc;

/**
 * SIGTERM under a steady load of unary calls (pricing): health turns NOT_SERVING while the process still runs,
 * calls that started before the signal finish OK, later calls fail UNAVAILABLE only, and the JVM exits without
 * SIGKILL; with an open watch stream (inventory), the stream ends with a resumable status and resuming on the restarted
 * instance misses nothing. Runs its own platform so the shared one is not disturbed.
 */
class GracefulShutdownEndToEndTest {

    private static final int LOAD_THREADS = 4;

    static LocalPlatform platform;
    static ManagedChannel inventory;
    static ManagedChannel pricing;

    /** One unary call of the load: whether it started before SIGTERM was sent, and how it ended. */
    record CallOutcome(boolean startedBeforeSigterm, Status.Code code, String description) {
    }

    @BeforeAll
    static void start() throws IOException {
        Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("meridian-shutdown");
        platform = LocalPlatform.start(new LocalPlatform.Options(root, null, work.resolve("logs"), 0, Map.of(), null,
                List.of("-Xmx256m")), step -> System.out.println("[shutdown] " + step));
        inventory = channel(platform.port("inventory"));
        pricing = channel(platform.port("pricing"));
    }

    @AfterAll
    static void stop() {
        inventory.shutdownNow();
        pricing.shutdownNow();
        platform.close();
    }

    @Test
    void sigtermUnderUnaryLoadReportsNotServingDrainsInFlightCallsAndExitsInTime() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String bolt = f.sku("BOLT");
        f.price(bolt, 2, 0);
        // Pricing, because inventory always has orders' stock watch open, which holds its shutdown (see below).
        ServiceProcess service = platform.service("pricing");
        long pid = service.pid().orElseThrow();

        List<CallOutcome> outcomes = new CopyOnWriteArrayList<>();
        List<ServingStatus> health = new CopyOnWriteArrayList<>();
        AtomicBoolean notServingWhileRunning = new AtomicBoolean();
        AtomicBoolean sigtermSent = new AtomicBoolean();
        AtomicBoolean stopLoad = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS + 1);
        GetPriceRequest read = GetPriceRequest.newBuilder().setName("skus/" + bolt + "/prices/EUR").build();
        for (int t = 0; t < LOAD_THREADS; t++) {
            load.submit(() -> {
                while (!stopLoad.get()) {
                    boolean before = !sigtermSent.get();
                    try {
                        PricingServiceGrpc.newBlockingStub(pricing).withDeadlineAfter(10, TimeUnit.SECONDS).getPrice(read);
                        outcomes.add(new CallOutcome(before, Status.Code.OK, ""));
                    } catch (StatusRuntimeException e) {
                        outcomes.add(new CallOutcome(before, e.getStatus().getCode(), String.valueOf(e.getStatus())));
                    }
                }
            });
        }
        // Health by Check, as the kubelet probes it (an open Watch stream would itself hold the shutdown).
        load.submit(() -> {
            while (!stopLoad.get()) {
                try {
                    ServingStatus status = HealthGrpc.newBlockingStub(pricing).withDeadlineAfter(2, TimeUnit.SECONDS)
                            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
                    health.add(status);
                    if (status == ServingStatus.NOT_SERVING && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        notServingWhileRunning.set(true);
                    }
                } catch (StatusRuntimeException stopped) {
                    // not listening any more
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> outcomes.size() >= 100);

        sigtermSent.set(true);
        boolean exitedWithinGrace = service.stopWithinGrace();
        // Keep calling a moment after the exit, so new calls meet a stopped service.
        await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.stream()
                .filter(outcome -> !outcome.startedBeforeSigterm() && outcome.code() != Status.Code.OK).count() >= LOAD_THREADS);
        stopLoad.set(true);
        load.shutdown();
        assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        try {
            List<CallOutcome> failedInFlight = outcomes.stream()
                    .filter(outcome -> outcome.startedBeforeSigterm() && outcome.code() != Status.Code.OK).toList();
            System.out.printf("[shutdown] %d calls, %d started before SIGTERM, %d of those failed %s; after SIGTERM: %s%n",
                    outcomes.size(), outcomes.stream().filter(CallOutcome::startedBeforeSigterm).count(),
                    failedInFlight.size(), failedInFlight, outcomes.stream().filter(outcome -> !outcome.startedBeforeSigterm())
                            .collect(Collectors.groupingBy(CallOutcome::code, Collectors.counting())));
            System.out.printf("[shutdown] after SIGTERM, neither OK nor UNAVAILABLE: %s%n", outcomes.stream()
                    .filter(outcome -> !outcome.startedBeforeSigterm()
                            && outcome.code() != Status.Code.OK && outcome.code() != Status.Code.UNAVAILABLE)
                    .toList());

            assertThat(exitedWithinGrace).as("exited by itself within the grace period").isTrue();
            assertThat(health).contains(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
            assertThat(notServingWhileRunning).as("NOT_SERVING reported before the process exited").isTrue();
            assertThat(failedInFlight).as("calls started before SIGTERM that failed").isEmpty();
            assertThat(outcomes.stream().filter(outcome -> !outcome.startedBeforeSigterm()).map(CallOutcome::code))
                    .as("calls started after SIGTERM end OK (during the shutdown delay) or UNAVAILABLE")
                    .isSubsetOf(Status.Code.OK, Status.Code.UNAVAILABLE);
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> PricingServiceGrpc
                    .newBlockingStub(pricing).withDeadlineAfter(5, TimeUnit.SECONDS).getPrice(read));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        } finally {
            service.start();
            service.awaitServing(Duration.ofSeconds(90));
        }
    }

    @Test
    void sigtermEndsWatchStreamsResumablyAndExitsInTime() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String bolt = f.sku("BOLT");
        f.receive(bolt, 100);
        ServiceProcess service = platform.service("inventory");
        List<StockChange> beforeShutdown = new CopyOnWriteArrayList<>();
        CompletableFuture<Status> watchEnd = watch(WatchStockLevelsRequest.newBuilder().addLocationIds(f.location).build(),
                beforeShutdown);
        TimeUnit.MILLISECONDS.sleep(500); // let the watch subscribe before the first change
        for (int i = 0; i < 3; i++) {
            f.receive(bolt, 1);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !beforeShutdown.isEmpty());

        boolean exitedWithinGrace = service.stopWithinGrace();
        Status ended = watchEnd.get(10, TimeUnit.SECONDS);
        service.start();
        service.awaitServing(Duration.ofSeconds(90));
        System.out.printf("[shutdown] watch ended with %s; exited within grace: %s%n", ended, exitedWithinGrace);

        assertThat(exitedWithinGrace).as("exited by itself within the grace period").isTrue();
        assertThat(ended.getCode()).as("watch stream end: %s", ended)
                .isIn(Status.Code.UNAVAILABLE, Status.Code.CANCELLED, Status.Code.OK);
        for (int i = 0; i < 2; i++) {
            f.receive(bolt, 1);
        }
        List<StockChange> resumed = new CopyOnWriteArrayList<>();
        watch(WatchStockLevelsRequest.newBuilder().addLocationIds(f.location)
                .setStartCursor(beforeShutdown.getLast().getCursor()).build(), resumed);
        // Every change after the watch opened, once each, across the two streams: on hand 101 to 105.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Long> onHand = new ArrayList<>();
            beforeShutdown.forEach(change -> onHand.add(change.getStockLevel().getOnHand()));
            resumed.forEach(change -> onHand.add(change.getStockLevel().getOnHand()));
            assertThat(onHand).containsExactlyElementsOf(LongStream.rangeClosed(101, 105).boxed().toList());
        });
    }

    /** Opens a stock watch collecting its changes; the future completes with the status the stream ended with. */
    private static CompletableFuture<Status> watch(WatchStockLevelsRequest request, List<StockChange> changes) {
        CompletableFuture<Status> end = new CompletableFuture<>();
        Context.current().fork().run(() -> InventoryServiceGrpc.newStub(inventory).watchStockLevels(request,
                new StreamObserver<WatchStockLevelsResponse>() {
                    @Override
                    public void onNext(WatchStockLevelsResponse value) {
                        changes.add(value.getChange());
                    }

                    @Override
                    public void onError(Throwable t) {
                        end.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                        end.complete(Status.OK);
                    }
                }));
        return end;
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }
}
