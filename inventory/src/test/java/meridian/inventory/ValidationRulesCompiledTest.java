package meridian.inventory;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.testing.PostgresTestResource;
import meridian.testing.ValidationRulesCompiledChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "inventory"))
class ValidationRulesCompiledTest extends ValidationRulesCompiledChecks {

    @Override
    protected ServiceDescriptor service() {
        return InventoryServiceGrpc.getServiceDescriptor();
    }
}
