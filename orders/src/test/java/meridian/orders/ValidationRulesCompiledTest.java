package meridian.orders;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.Downstreams;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.testing.PostgresTestResource;
import meridian.testing.ValidationRulesCompiledChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "orders"))
@WithTestResource(value = Downstreams.class, scope = TestResourceScope.GLOBAL)
class ValidationRulesCompiledTest extends ValidationRulesCompiledChecks {

    @Override
    protected ServiceDescriptor service() {
        return OrdersServiceGrpc.getServiceDescriptor();
    }
}
