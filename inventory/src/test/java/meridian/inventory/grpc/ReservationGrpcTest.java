package meridian.inventory.grpc;

import static meridian.inventory.grpc.InventoryClient.line;
import static meridian.inventory.grpc.InventoryClient.name;
import static meridian.inventory.grpc.InventoryClient.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.google.rpc.PreconditionFailure;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.errors.ErrorDetails;
import meridian.inventory.service.ReservationSweeper;
import meridian.inventory.v1.CommitReservationRequest;
import meridian.inventory.v1.GetReservationRequest;
import meridian.inventory.v1.ReleaseReservationRequest;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.ReservationState;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.ReserveStockResponse;
import meridian.inventory.v1.StockLevel;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class ReservationGrpcTest extends InventoryGrpcTest {

    private static final String LOCATION = "dc-reserve";

    @Inject
    ReservationSweeper sweeper;

    @Test
    void reserveCommitTakesStockOut() {
        String sku = client.stockedSku(LOCATION, 10);
        Reservation reservation = client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, sku, 3)))
                .getReservation();
        assertThat(reservation.getState()).isEqualTo(ReservationState.RESERVATION_STATE_ACTIVE);
        assertThat(reservation.getLinesList()).containsExactly(line(LOCATION, sku, 3));
        assertStock(sku, 10, 3);

        Reservation committed = commit(reservation.getName(), requestId()).getReservation();
        assertThat(committed.getState()).isEqualTo(ReservationState.RESERVATION_STATE_COMMITTED);
        assertStock(sku, 7, 0);
        assertThat(get(reservation.getName())).isEqualTo(committed);

        // Committing again (another request_id) returns it unchanged; releasing it is refused.
        assertThat(commit(reservation.getName(), requestId()).getReservation()).isEqualTo(committed);
        assertStock(sku, 7, 0);
        GrpcAssertions.assertStatus(() -> release(reservation.getName(), requestId()),
                Status.Code.FAILED_PRECONDITION, "RESERVATION_COMMITTED");
    }

    @Test
    void releaseGivesStockBackAndACommitAfterwardsIsRefused() {
        String sku = client.stockedSku(LOCATION, 5);
        Reservation reservation = client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, sku, 5)))
                .getReservation();
        assertStock(sku, 5, 5);
        Reservation released = release(reservation.getName(), requestId()).getReservation();
        assertThat(released.getState()).isEqualTo(ReservationState.RESERVATION_STATE_RELEASED);
        assertStock(sku, 5, 0);
        assertThat(release(reservation.getName(), requestId()).getReservation()).isEqualTo(released);
        GrpcAssertions.assertStatus(() -> commit(reservation.getName(), requestId()),
                Status.Code.FAILED_PRECONDITION, "RESERVATION_RELEASED");
        assertStock(sku, 5, 0);
    }

    @Test
    void insufficientStockNamesEveryShortLineAndReservesNothing() {
        String plenty = client.stockedSku(LOCATION, 100);
        String few = client.stockedSku(LOCATION, 2);
        String none = client.stockedSku(LOCATION, 1);
        client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, none, 1)));

        StatusRuntimeException failure = GrpcAssertions.assertStatus(
                () -> client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, plenty, 10),
                        line(LOCATION, few, 3), line(LOCATION, none, 1))),
                Status.Code.FAILED_PRECONDITION, "INSUFFICIENT_STOCK");
        List<PreconditionFailure.Violation> violations = ErrorDetails.of(failure).preconditionFailure()
                .orElseThrow().getViolationsList();
        assertThat(violations).extracting(PreconditionFailure.Violation::getSubject)
                .containsExactlyInAnyOrder(name(LOCATION, few), name(LOCATION, none));
        assertThat(violations).filteredOn(v -> v.getSubject().equals(name(LOCATION, few)))
                .singleElement().satisfies(v -> assertThat(v.getDescription()).contains("requested 3", "available 2"));
        assertStock(plenty, 100, 0);
        assertStock(few, 2, 0);
    }

    @Test
    void unknownStockLevelIsNotFoundAndReservesNothing() {
        String sku = client.stockedSku(LOCATION, 4);
        GrpcAssertions.assertStatus(() -> client.blocking.reserveStock(InventoryClient.reserve(
                line(LOCATION, sku, 1), line(LOCATION, InventoryClient.newSku(), 1))),
                Status.Code.NOT_FOUND, "NOT_FOUND");
        assertStock(sku, 4, 0);
        GrpcAssertions.assertStatus(() -> commit("reservations/" + java.util.UUID.randomUUID(), requestId()),
                Status.Code.NOT_FOUND, "NOT_FOUND");
        GrpcAssertions.assertStatus(() -> get("reservations/not-a-uuid"), Status.Code.NOT_FOUND, "NOT_FOUND");
    }

    @Test
    void badLinesAreInvalidArguments() {
        String sku = client.stockedSku(LOCATION, 4);
        GrpcAssertions.assertInvalidFields(() -> client.blocking.reserveStock(
                ReserveStockRequest.newBuilder().setRequestId(requestId()).build()), "lines");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.reserveStock(
                InventoryClient.reserve(line(LOCATION, sku, 0))), "lines[0].quantity");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.reserveStock(
                InventoryClient.reserve(line(LOCATION, sku, -2))), "lines[0].quantity");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.reserveStock(
                InventoryClient.reserve(line(LOCATION, sku, 1), line(LOCATION, sku, 2))), "lines");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.reserveStock(
                InventoryClient.reserve(line(LOCATION, sku, 1)).toBuilder().setRequestId("nope").build()),
                "request_id");
        assertStock(sku, 4, 0);
    }

    @Test
    void sameRequestIdTwentyTimesInParallelHasOneEffectAndIdenticalAnswers() throws Exception {
        String sku = client.stockedSku(LOCATION, 10);
        ReserveStockRequest request = InventoryClient.reserve(line(LOCATION, sku, 2));
        List<ReserveStockResponse> responses = sentTwentyTimesAtOnce(request);
        assertThat(responses).allSatisfy(r -> assertThat(r).isEqualTo(responses.get(0)));
        assertStock(sku, 10, 2);

        // The same request_id with another payload is refused and changes nothing.
        GrpcAssertions.assertStatus(() -> client.blocking.reserveStock(request.toBuilder()
                .setLines(0, line(LOCATION, sku, 3)).build()), Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertStock(sku, 10, 2);
    }

    @Test
    void duplicatesRacingForStockEnoughForOneAllGetTheOneReservation() throws Exception {
        // The duplicates wait on the first call's stock lock, then find no stock left: they answer from its key.
        String sku = client.stockedSku(LOCATION, 2);
        ReserveStockRequest request = InventoryClient.reserve(line(LOCATION, sku, 2));
        List<ReserveStockResponse> responses = sentTwentyTimesAtOnce(request);
        assertThat(responses).allSatisfy(r -> assertThat(r).isEqualTo(responses.get(0)));
        assertStock(sku, 2, 2);
    }

    @Test
    void aRefusedReservationLeavesItsRequestIdFreeForARetry() {
        String sku = client.stockedSku(LOCATION, 1);
        ReserveStockRequest request = InventoryClient.reserve(line(LOCATION, sku, 2));
        GrpcAssertions.assertStatus(() -> client.blocking.reserveStock(request), Status.Code.FAILED_PRECONDITION,
                "INSUFFICIENT_STOCK");
        assertStock(sku, 1, 0);

        client.feed(requestId(), List.of(InventoryClient.adjustment(LOCATION, sku, 1)), 1);
        ReserveStockResponse reserved = client.blocking.reserveStock(request);
        assertThat(reserved.getReservation().getState()).isEqualTo(ReservationState.RESERVATION_STATE_ACTIVE);
        assertThat(client.blocking.reserveStock(request)).isEqualTo(reserved);
        assertStock(sku, 2, 2);
    }

    @Test
    void commitAndReleaseReplayTheirRequestId() {
        String sku = client.stockedSku(LOCATION, 10);
        Reservation reservation = client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, sku, 4)))
                .getReservation();
        String commitId = requestId();
        Reservation committed = commit(reservation.getName(), commitId).getReservation();
        assertThat(commit(reservation.getName(), commitId).getReservation()).isEqualTo(committed);
        assertStock(sku, 6, 0);
        // A commit's request_id cannot be reused for a release.
        GrpcAssertions.assertStatus(() -> release(reservation.getName(), commitId).getReservation(),
                Status.Code.FAILED_PRECONDITION, "RESERVATION_COMMITTED");
        Reservation other = client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, sku, 1)))
                .getReservation();
        GrpcAssertions.assertStatus(() -> release(other.getName(), commitId), Status.Code.ALREADY_EXISTS,
                "REQUEST_ID_REUSED");
        assertStock(sku, 6, 1);
    }

    @Test
    void anExpiredReservationIsReleasedByTheSweeperAndCannotBeCommitted() {
        String sku = client.stockedSku(LOCATION, 8);
        Reservation reservation = client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, sku, 8))
                .toBuilder().setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build())
                .getReservation();
        assertStock(sku, 8, 8);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(reservation.getName()).getState())
                .isEqualTo(ReservationState.RESERVATION_STATE_EXPIRED));
        assertStock(sku, 8, 0);
        GrpcAssertions.assertStatus(() -> commit(reservation.getName(), requestId()),
                Status.Code.FAILED_PRECONDITION, "RESERVATION_EXPIRED");
        assertThat(release(reservation.getName(), requestId()).getReservation().getState())
                .isEqualTo(ReservationState.RESERVATION_STATE_EXPIRED);
        assertStock(sku, 8, 0);
    }

    /**
     * Many reservations expiring together, swept by several sweepers at once (the scheduled one and four
     * more): each is expired exactly once (a second release would break reserved >= 0 or leave it wrong) and
     * keeps its lines in order.
     */
    @Test
    void reservationsExpiringTogetherAreEachExpiredOnceBySweepersRacing() throws Exception {
        String a = client.stockedSku(LOCATION, 300);
        String b = client.stockedSku(LOCATION, 300);
        List<Reservation> reserved = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            reserved.add(client.blocking.reserveStock(InventoryClient.reserve(line(LOCATION, b, 2), line(LOCATION, a, 1))
                    .toBuilder().setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build())
                    .getReservation());
        }
        Instant lastExpiry = Instant.ofEpochSecond(reserved.get(reserved.size() - 1).getExpireTime().getSeconds() + 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(lastExpiry));
        ExecutorService sweepers = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> swept = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                swept.add(sweepers.submit(() -> {
                    start.await();
                    return sweeper.sweep();
                }));
            }
            start.countDown();
            for (Future<Integer> f : swept) {
                assertThat(f.get()).isBetween(0, 120);
            }
        } finally {
            sweepers.shutdown();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertStock(a, 300, 0));
        assertStock(b, 300, 0);
        for (Reservation r : reserved) {
            Reservation now = get(r.getName());
            assertThat(now.getState()).isEqualTo(ReservationState.RESERVATION_STATE_EXPIRED);
            assertThat(now.getLinesList()).containsExactly(line(LOCATION, b, 2), line(LOCATION, a, 1));
        }
    }

    @Test
    void twoHundredConcurrentSingleUnitReservationsOnFiftyNeverOversell() {
        String sku = client.stockedSku(LOCATION, 50);
        List<CompletableFuture<Status.Code>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(outcome(InventoryClient.reserve(line(LOCATION, sku, 1))));
        }
        List<Status.Code> outcomes = calls.stream().map(CompletableFuture::join).toList();
        assertThat(outcomes).filteredOn(c -> c == Status.Code.OK).hasSize(50);
        assertThat(outcomes).filteredOn(c -> c != Status.Code.OK).hasSize(150)
                .allMatch(c -> c == Status.Code.FAILED_PRECONDITION);
        assertStock(sku, 50, 50);
    }

    @Test
    void multiLineReservationsInOppositeOrdersNeitherDeadlockNorOversell() {
        String a = client.stockedSku(LOCATION, 50);
        String b = client.stockedSku(LOCATION, 50);
        List<CompletableFuture<Status.Code>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(outcome(InventoryClient.reserve(line(LOCATION, a, 1), line(LOCATION, b, 1))));
            calls.add(outcome(InventoryClient.reserve(line(LOCATION, b, 1), line(LOCATION, a, 1))));
        }
        List<Status.Code> outcomes = calls.stream().map(CompletableFuture::join).toList();
        assertThat(outcomes).filteredOn(c -> c == Status.Code.OK).hasSize(50);
        assertThat(outcomes).filteredOn(c -> c != Status.Code.OK).hasSize(150)
                .allMatch(c -> c == Status.Code.FAILED_PRECONDITION);
        assertStock(a, 50, 50);
        assertStock(b, 50, 50);
    }

    private CompletableFuture<Status.Code> outcome(ReserveStockRequest request) {
        CompletableFuture<ReserveStockResponse> call = new CompletableFuture<>();
        client.async.reserveStock(request, InventoryClient.observer(call));
        return call.handle((ok, failure) -> failure == null ? Status.Code.OK : Status.fromThrowable(failure).getCode());
    }

    private static void assertStock(String sku, long onHand, long reserved) {
        StockLevel stock = client.stock(LOCATION, sku);
        assertThat(stock.getOnHand()).as("on hand of %s", sku).isEqualTo(onHand);
        assertThat(stock.getReserved()).as("reserved of %s", sku).isEqualTo(reserved);
        assertThat(stock.getAvailable()).isEqualTo(onHand - reserved).isNotNegative();
    }

    private static meridian.inventory.v1.CommitReservationResponse commit(String name, String requestId) {
        return client.blocking.commitReservation(
                CommitReservationRequest.newBuilder().setName(name).setRequestId(requestId).build());
    }

    private static meridian.inventory.v1.ReleaseReservationResponse release(String name, String requestId) {
        return client.blocking.releaseReservation(
                ReleaseReservationRequest.newBuilder().setName(name).setRequestId(requestId).build());
    }

    private static Reservation get(String name) {
        return client.blocking.getReservation(GetReservationRequest.newBuilder().setName(name).build())
                .getReservation();
    }

    /** The answers to {@code request} sent by 20 threads at once. */
    private List<ReserveStockResponse> sentTwentyTimesAtOnce(ReserveStockRequest request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ReserveStockResponse>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return client.blocking.reserveStock(request);
                }));
            }
            start.countDown();
            List<ReserveStockResponse> responses = new ArrayList<>();
            for (Future<ReserveStockResponse> call : calls) {
                responses.add(call.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
