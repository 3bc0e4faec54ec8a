package meridian.inventory.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.ReserveStockResponse;
import meridian.inventory.v1.StockChange;
import meridian.testing.PostgresTestResource;

/**
 * A call the client gave up on (deadline, cancel) must not take down the HTTP/2 connection it shared with other
 * calls when the server finishes it late. Vert.x' gRPC bridge writes such a late response onto the reset stream,
 * which Netty answers with GOAWAY PROTOCOL_ERROR (quarkusio/quarkus#56268); conventions' CancelledCallGuard drops it.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class CancelledCallTest extends InventoryGrpcTest {

    private static final String LOCATION = "dc-cancel";

    @Inject
    DataSource dataSource;

    @Test
    void aLateResponseToACallPastItsDeadlineLeavesOtherCallsOnTheConnectionRunning() throws Exception {
        String sku = client.stockedSku(LOCATION, 10);
        String cursor = client.feed(InventoryClient.requestId(), List.of(InventoryClient.adjustment(LOCATION, sku, 1)), 1)
                .getCursor();
        WatchStockLevelsGrpcTest.Watch watch = WatchStockLevelsGrpcTest.Watch.open(channel, cursor, List.of(sku));
        try (Connection holder = dataSource.getConnection()) {
            lockStockLevel(holder, LOCATION, sku);
            CompletableFuture<ReserveStockResponse> reservation = new CompletableFuture<>();
            client.async.withDeadlineAfter(500, TimeUnit.MILLISECONDS).reserveStock(
                    InventoryClient.reserve(InventoryClient.line(LOCATION, sku, 1)), InventoryClient.observer(reservation));
            await().atMost(Duration.ofSeconds(30)).until(() -> waitingForRowLock(holder));
            await().atMost(Duration.ofSeconds(30)).until(reservation::isDone);
            assertThat(reservation).failsWithin(Duration.ZERO).withThrowableThat()
                    .havingRootCause().isInstanceOf(StatusRuntimeException.class)
                    .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            // The server still waits for the row; releasing it lets the reservation finish after the caller left.
            holder.rollback();
        }

        // The late reservation reaches the watch on the same connection, and the watch stays open.
        await().atMost(Duration.ofSeconds(30)).until(() -> client.stock(LOCATION, sku).getReserved() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.done.isDone() || watch.changes.stream()
                .map(StockChange::getStockLevel).anyMatch(level -> level.getReserved() == 1));
        Thread.sleep(500); // the late response is written right after the commit the watch saw
        assertThat(watch.error).as("how the watch stream sharing the connection ended").isNull();
        assertThat(watch.done).isNotDone();
        watch.cancel();
    }
}
