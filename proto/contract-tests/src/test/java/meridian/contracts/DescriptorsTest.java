package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.google.api.FieldBehavior;
import com.google.api.FieldBehaviorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

/** The contracts load and keep the conventions the platform promises its callers. */
class DescriptorsTest {

    /** Read-only methods; every other method mutates and must be idempotent by request_id (AIP-155). */
    private static final Set<String> READ_PREFIXES = Set.of("Get", "BatchGet", "List", "Watch");

    @Test
    void everyContractLoadsInItsVersionedPackage() {
        assertThat(Contracts.files()).extracting(FileDescriptor::getPackage)
                .containsExactly("meridian.inventory.v1", "meridian.pricing.v1", "meridian.orders.v1");
        assertThat(Contracts.services()).extracting(ServiceDescriptor::getName)
                .containsExactly("InventoryService", "PricingService", "OrdersService");
        for (FileDescriptor file : Contracts.files()) {
            assertThat(file.getOptions().getJavaMultipleFiles()).isTrue();
            assertThat(file.getOptions().getJavaPackage()).isEqualTo(file.getPackage());
        }
    }

    @Test
    void everyMutationCarriesARequiredUuidRequestId() {
        for (ServiceDescriptor service : Contracts.services()) {
            for (MethodDescriptor method : service.getMethods()) {
                if (READ_PREFIXES.stream().anyMatch(method.getName()::startsWith)) {
                    continue;
                }
                FieldDescriptor requestId = method.getInputType().findFieldByName("request_id");
                assertThat(requestId).as("%s has request_id", method.getFullName()).isNotNull();
                List<FieldBehavior> behavior = requestId.getOptions().getExtension(FieldBehaviorProto.fieldBehavior);
                assertThat(behavior).as("%s.request_id is REQUIRED", method.getFullName()).contains(FieldBehavior.REQUIRED);
            }
        }
    }

    @Test
    void everyListIsPaginated() {
        for (ServiceDescriptor service : Contracts.services()) {
            for (MethodDescriptor method : service.getMethods()) {
                if (method.getName().startsWith("List")) {
                    assertThat(method.getInputType().findFieldByName("page_size")).isNotNull();
                    assertThat(method.getInputType().findFieldByName("page_token")).isNotNull();
                    assertThat(method.getOutputType().findFieldByName("next_page_token")).isNotNull();
                }
            }
        }
    }

    @Test
    void everyEnumStartsWithUnspecifiedAndEveryWatchStreams() {
        for (FileDescriptor file : Contracts.files()) {
            for (EnumDescriptor e : file.getEnumTypes()) {
                assertThat(e.getValues().get(0).getNumber()).isZero();
                assertThat(e.getValues().get(0).getName()).endsWith("_UNSPECIFIED");
            }
        }
        for (ServiceDescriptor service : Contracts.services()) {
            for (MethodDescriptor method : service.getMethods()) {
                if (method.getName().startsWith("Watch")) {
                    assertThat(method.isServerStreaming()).as(method.getFullName()).isTrue();
                    Descriptor request = method.getInputType();
                    assertThat(request.findFieldByName("start_cursor")).as(method.getFullName()).isNotNull();
                }
            }
        }
    }

    @Test
    void streamingShapesAreTheContractsOnes() {
        assertThat(method("meridian.inventory.v1.InventoryService.AdjustStock").isClientStreaming()).isTrue();
        MethodDescriptor quote = method("meridian.pricing.v1.PricingService.QuotePrices");
        assertThat(quote.isClientStreaming() && quote.isServerStreaming()).isTrue();
    }

    private static MethodDescriptor method(String fullName) {
        return Contracts.services().stream().flatMap(s -> s.getMethods().stream())
                .filter(m -> m.getFullName().equals(fullName)).findFirst().orElseThrow();
    }
}
