package meridian.inventory.grpc;

import static meridian.inventory.grpc.InventoryClient.adjustment;
import static meridian.inventory.grpc.InventoryClient.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.RejectedAdjustment;
import meridian.inventory.v1.StockAdjustment;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;

/**
 * AdjustStock policy: a bad line is rejected with its index and reason and does not abort the feed;
 * every accepted line is applied in one transaction at half-close; a cancelled feed applies nothing.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class AdjustStockGrpcTest extends InventoryGrpcTest {

    private static final String LOCATION = "dc-feed";

    @Test
    void tenThousandLinesWithBadOnesApplyExactlyTheGoodOnes() {
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            skus.add(InventoryClient.newSku());
        }
        List<StockAdjustment> lines = new ArrayList<>();
        Map<Integer, String> expectedRejections = new HashMap<>();
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            String sku = skus.get(i % skus.size());
            if (i % 1000 == 7) {
                lines.add(adjustment(LOCATION, sku, 5).toBuilder().setDelta(0).build());
                expectedRejections.put(i, "INVALID_REQUEST");
            } else if (i % 1000 == 8) {
                lines.add(adjustment(LOCATION, "bad sku", 5));
                expectedRejections.put(i, "INVALID_REQUEST");
            } else if (i % 1000 == 9) {
                lines.add(adjustment(LOCATION, sku, 5).toBuilder()
                        .setReason(AdjustmentReason.ADJUSTMENT_REASON_UNSPECIFIED).build());
                expectedRejections.put(i, "INVALID_REQUEST");
            } else if (i < 100) {
                // The first line of each SKU removes stock that is not there yet.
                lines.add(adjustment(LOCATION, sku, -1));
                expectedRejections.put(i, "INSUFFICIENT_STOCK");
            } else if (i % 7 == 3) {
                long onHand = expected.getOrDefault(sku, 0L);
                lines.add(adjustment(LOCATION, sku, -2));
                if (onHand >= 2) {
                    expected.put(sku, onHand - 2);
                } else {
                    expectedRejections.put(i, "INSUFFICIENT_STOCK");
                }
            } else {
                lines.add(adjustment(LOCATION, sku, 3));
                expected.merge(sku, 3L, Long::sum);
            }
        }
        AdjustStockResponse summary = client.feed(requestId(), lines, 1000);

        assertThat(summary.getReceivedCount()).isEqualTo(10_000);
        assertThat(summary.getAppliedCount()).isEqualTo(10_000 - expectedRejections.size());
        assertThat(summary.getRejectionsList()).extracting(RejectedAdjustment::getIndex)
                .containsExactlyElementsOf(expectedRejections.keySet().stream().sorted().map(Integer::longValue)
                        .toList());
        for (RejectedAdjustment rejection : summary.getRejectionsList()) {
            assertThat(rejection.getReason()).isEqualTo(expectedRejections.get((int) rejection.getIndex()));
            assertThat(rejection.getMessage()).isNotBlank();
        }
        assertThat(summary.getRejectionsList()).filteredOn(r -> r.getIndex() % 1000 == 7)
                .allSatisfy(r -> assertThat(r.getField()).isEqualTo("delta"));
        assertThat(summary.getRejectionsList()).filteredOn(r -> r.getIndex() % 1000 == 8)
                .allSatisfy(r -> assertThat(r.getField()).isEqualTo("sku"));
        for (String sku : skus) {
            assertThat(client.stock(LOCATION, sku).getOnHand()).as(sku).isEqualTo(expected.get(sku));
        }
    }

    @Test
    void aLineBelowWhatIsReservedIsRejectedAndTheFeedGoesOn() {
        String sku = client.stockedSku(LOCATION, 10);
        client.blocking.reserveStock(InventoryClient.reserve(InventoryClient.line(LOCATION, sku, 6)));
        AdjustStockResponse summary = client.feed(requestId(), List.of(adjustment(LOCATION, sku, -5),
                adjustment(LOCATION, sku, -4), adjustment(LOCATION, sku, 1)), 10);
        assertThat(summary.getAppliedCount()).isEqualTo(2);
        assertThat(summary.getRejectionsList()).singleElement().satisfies(r -> {
            assertThat(r.getIndex()).isZero();
            assertThat(r.getReason()).isEqualTo("INSUFFICIENT_STOCK");
        });
        assertThat(client.stock(LOCATION, sku).getOnHand()).isEqualTo(7);
        assertThat(client.stock(LOCATION, sku).getReserved()).isEqualTo(6);
    }

    @Test
    void aRepeatedFeedReturnsTheOriginalSummaryAndAppliesNothingTwice() {
        String sku = InventoryClient.newSku();
        String requestId = requestId();
        List<StockAdjustment> lines = List.of(adjustment(LOCATION, sku, 7), adjustment(LOCATION, sku, 0));
        AdjustStockResponse first = client.feed(requestId, lines, 1);
        AdjustStockResponse again = client.feed(requestId, lines, 1);
        assertThat(again).isEqualTo(first);
        assertThat(client.stock(LOCATION, sku).getOnHand()).isEqualTo(7);
        GrpcAssertions.assertStatus(() -> client.feed(requestId, List.of(adjustment(LOCATION, sku, 8)), 1),
                Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(client.stock(LOCATION, sku).getOnHand()).isEqualTo(7);
    }

    @Test
    void aCancelledFeedAppliesNothing() throws Exception {
        String sku = client.stockedSku(LOCATION, 1);
        CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
        ClientCallStreamObserver<AdjustStockRequest> out = (ClientCallStreamObserver<AdjustStockRequest>) client.async
                .adjustStock(InventoryClient.observer(summary));
        out.onNext(AdjustStockRequest.newBuilder().setRequestId(requestId())
                .addAdjustments(adjustment(LOCATION, sku, 100)).build());
        out.cancel("warehouse feed aborted", null);
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
                () -> InventoryClient.await(summary));
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.CANCELLED);
        // A later feed on the same stock level sees only the first receipt.
        client.feed(requestId(), List.of(adjustment(LOCATION, sku, 1)), 1);
        assertThat(client.stock(LOCATION, sku).getOnHand()).isEqualTo(2);
    }

    @Test
    void aFeedMustKeepOneValidRequestIdAndStayWithinTheLimit() {
        String sku = InventoryClient.newSku();
        GrpcAssertions.assertInvalidFields(() -> client.feed("not-a-uuid", List.of(adjustment(LOCATION, sku, 1)), 1),
                "request_id");
        GrpcAssertions.assertInvalidFields(() -> {
            CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
            StreamObserver<AdjustStockRequest> out = client.async.adjustStock(InventoryClient.observer(summary));
            out.onNext(AdjustStockRequest.newBuilder().setRequestId(requestId())
                    .addAdjustments(adjustment(LOCATION, sku, 1)).build());
            out.onNext(AdjustStockRequest.newBuilder().setRequestId(requestId())
                    .addAdjustments(adjustment(LOCATION, sku, 1)).build());
            out.onCompleted();
            InventoryClient.await(summary);
        }, "request_id");
        GrpcAssertions.assertInvalidFields(() -> {
            CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
            client.async.adjustStock(InventoryClient.observer(summary)).onCompleted();
            InventoryClient.await(summary);
        }, "request_id");
        List<StockAdjustment> tooMany = new ArrayList<>();
        for (int i = 0; i < 100_001; i++) {
            tooMany.add(adjustment(LOCATION, sku, 1));
        }
        GrpcAssertions.assertInvalidFields(() -> client.feed(requestId(), tooMany, 10_000), "adjustments");
        GrpcAssertions.assertStatus(() -> client.stock(LOCATION, sku), Status.Code.NOT_FOUND, "NOT_FOUND");
    }
}
