package meridian.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.StockLevel;
import meridian.inventory.grpc.InventoryClient;
import meridian.testing.PostgresTestResource;
import meridian.testing.ServiceStartsChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class ServiceStartsTest extends ServiceStartsChecks {

    @Override
    protected String serviceName() {
        return "meridian.inventory.v1.InventoryService";
    }

    @Override
    protected void callWithMalformedName(ManagedChannel channel) {
        InventoryServiceGrpc.newBlockingStub(channel).getStockLevel(GetStockLevelRequest.newBuilder().setName("warehouse/1/SKU").build());
    }

    @Override
    protected void writeThenRead(ManagedChannel channel) {
        InventoryClient client = new InventoryClient(channel);
        String sku = client.stockedSku("berlin-1", 7);
        StockLevel level = client.stock("berlin-1", sku);
        assertThat(level.getOnHand()).isEqualTo(7);
        assertThat(level.getAvailable()).isEqualTo(7);
    }
}
