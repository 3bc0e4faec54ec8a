package meridian.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Message;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.PrototypeMarshaller;
import io.grpc.ServiceDescriptor;
import meridian.conventions.validation.RequestValidator;

/**
 * A started service has compiled the validation rules of every request type of its contract, so that no call
 * compiles them on its event loop. A service's @QuarkusTest extends it.
 */
public abstract class ValidationRulesCompiledChecks {

    @Inject
    RequestValidator validator;

    /** The service's gRPC service descriptor, such as InventoryServiceGrpc.getServiceDescriptor(). */
    protected abstract ServiceDescriptor service();

    @Test
    void everyRequestTypeIsCompiledAtStart() {
        assertThat(service().getMethods()).isNotEmpty();
        for (MethodDescriptor<?, ?> method : service().getMethods()) {
            Message prototype = (Message) ((PrototypeMarshaller<?>) method.getRequestMarshaller()).getMessagePrototype();
            assertThat(validator.isPrepared(prototype.getDescriptorForType()))
                    .as("rules of %s compiled", prototype.getDescriptorForType().getFullName()).isTrue();
        }
    }
}
