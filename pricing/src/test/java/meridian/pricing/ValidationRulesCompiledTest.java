package meridian.pricing;

import io.grpc.ServiceDescriptor;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.testing.PostgresTestResource;
import meridian.testing.ValidationRulesCompiledChecks;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class ValidationRulesCompiledTest extends ValidationRulesCompiledChecks {

    @Override
    protected ServiceDescriptor service() {
        return PricingServiceGrpc.getServiceDescriptor();
    }
}
