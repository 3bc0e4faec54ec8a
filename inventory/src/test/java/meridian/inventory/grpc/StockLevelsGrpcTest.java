package meridian.inventory.grpc;

import static meridian.inventory.grpc.InventoryClient.adjustment;
import static meridian.inventory.grpc.InventoryClient.name;
import static meridian.inventory.grpc.InventoryClient.requestId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.rpc.BadRequest;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.errors.ErrorDetails;
import meridian.inventory.v1.BatchGetStockLevelsRequest;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.inventory.v1.ListStockLevelsResponse;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockLevel;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class StockLevelsGrpcTest extends InventoryGrpcTest {

    @Test
    void getReturnsConsistentNumbers() {
        String sku = client.stockedSku("dc-read", 9);
        client.blocking.reserveStock(InventoryClient.reserve(InventoryClient.line("dc-read", sku, 4)));
        StockLevel stock = client.stock("dc-read", sku);
        assertThat(stock.getName()).isEqualTo(name("dc-read", sku));
        assertThat(stock.getSku()).isEqualTo(sku);
        assertThat(stock.getLocationId()).isEqualTo("dc-read");
        assertThat(stock.getOnHand()).isEqualTo(9);
        assertThat(stock.getReserved()).isEqualTo(4);
        assertThat(stock.getAvailable()).isEqualTo(5);
        assertThat(stock.getVersion()).isPositive();
        GrpcAssertions.assertStatus(() -> client.stock("dc-read", InventoryClient.newSku()), Status.Code.NOT_FOUND,
                "NOT_FOUND");
    }

    @Test
    void batchGetAnswersInRequestOrderOrNamesEveryUnknownOne() {
        String a = client.stockedSku("dc-read", 1);
        String b = client.stockedSku("dc-read-2", 2);
        List<StockLevel> levels = client.blocking.batchGetStockLevels(BatchGetStockLevelsRequest.newBuilder()
                .addNames(name("dc-read-2", b)).addNames(name("dc-read", a)).build()).getStockLevelsList();
        assertThat(levels).extracting(StockLevel::getName).containsExactly(name("dc-read-2", b), name("dc-read", a));
        assertThat(levels).extracting(StockLevel::getOnHand).containsExactly(2L, 1L);

        String unknown = InventoryClient.newSku();
        StatusRuntimeException failure = GrpcAssertions.assertStatus(() -> client.blocking.batchGetStockLevels(
                BatchGetStockLevelsRequest.newBuilder().addNames(name("dc-read", a)).addNames(name("dc-read", unknown))
                        .addNames(name("dc-read-2", a)).build()), Status.Code.NOT_FOUND, "NOT_FOUND");
        assertThat(ErrorDetails.of(failure).badRequest().orElseThrow().getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField).containsExactly("names[1]", "names[2]");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.batchGetStockLevels(BatchGetStockLevelsRequest
                .newBuilder().addNames(name("dc-read", a)).addNames(name("dc-read", a)).build()), "names");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.batchGetStockLevels(
                BatchGetStockLevelsRequest.getDefaultInstance()), "names");
    }

    @Test
    void listPagesByLocationThenSkuWithPrefixAndRefusesForeignTokens() {
        String prefix = InventoryClient.newSku();
        List<StockAdjustment> lines = new ArrayList<>();
        for (String location : List.of("dc-list-b", "dc-list-a")) {
            for (int i = 0; i < 5; i++) {
                lines.add(adjustment(location, prefix + "-" + i, i + 1));
            }
        }
        lines.add(adjustment("dc-list-a", "X" + prefix, 1));
        client.feed(requestId(), lines, 100);

        List<String> all = new ArrayList<>();
        ListStockLevelsRequest request = ListStockLevelsRequest.newBuilder().setParent("locations/-")
                .setSkuPrefix(prefix).setPageSize(3).build();
        ListStockLevelsResponse page = client.blocking.listStockLevels(request);
        all.addAll(page.getStockLevelsList().stream().map(StockLevel::getName).toList());
        assertThat(page.getWatchCursor()).isNotEmpty();
        String firstToken = page.getNextPageToken();
        while (!page.getNextPageToken().isEmpty()) {
            page = client.blocking.listStockLevels(request.toBuilder().setPageToken(page.getNextPageToken()).build());
            all.addAll(page.getStockLevelsList().stream().map(StockLevel::getName).toList());
        }
        List<String> expected = new ArrayList<>();
        for (String location : List.of("dc-list-a", "dc-list-b")) {
            for (int i = 0; i < 5; i++) {
                expected.add(name(location, prefix + "-" + i));
            }
        }
        assertThat(all).containsExactlyElementsOf(expected);

        assertThat(client.blocking.listStockLevels(ListStockLevelsRequest.newBuilder()
                .setParent("locations/dc-list-b").setSkuPrefix(prefix).build()).getStockLevelsList())
                .extracting(StockLevel::getLocationId).hasSize(5).containsOnly("dc-list-b");

        GrpcAssertions.assertInvalidFields(() -> client.blocking.listStockLevels(request.toBuilder()
                .setSkuPrefix(prefix + "-1").setPageToken(firstToken).build()), "page_token");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.listStockLevels(request.toBuilder()
                .setPageToken("garbage").build()), "page_token");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.listStockLevels(request.toBuilder()
                .setPageSize(1001).build()), "page_size");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.listStockLevels(request.toBuilder()
                .setParent("warehouses/x").build()), "parent");
    }
}
