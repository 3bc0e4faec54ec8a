package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.RuntimeVersion;

import meridian.conventions.validation.RequestValidator;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.PlaceOrderRequest;

/**
 * Guards the pairing of build.buf:protovalidate with the protobuf runtime of the Quarkus BOM: protovalidate 1.3.0
 * fails at class load against protobuf 4.33.2. An upgrade of either that breaks the pairing fails here, not in a
 * service at its first request.
 */
class ProtovalidateCompatibilityTest {

    @Test
    void protovalidateCompilesAndEvaluatesCelRulesOnThisProtobufRuntime() {
        assertThat(RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR).as("protobuf runtime").isEqualTo("4.33");
        PlaceOrderRequest duplicateSkus = PlaceOrderRequest.newBuilder()
                .setRequestId("7a0c3f4e-2b1d-4c5e-9f60-1a2b3c4d5e6f").setCustomerId("c-1").setLocationId("berlin-1")
                .setCurrencyCode("EUR")
                .addLines(OrderLineInput.newBuilder().setSku("SKU-1").setQuantity(1))
                .addLines(OrderLineInput.newBuilder().setSku("SKU-1").setQuantity(2)).build();
        assertThat(new RequestValidator().violations(duplicateSkus))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.getField()).isEqualTo("lines");
                    assertThat(v.getReason()).isEqualTo("lines.unique_sku");
                });
    }
}
