package meridian.contracts;

import java.util.List;

import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;

import meridian.inventory.v1.InventoryServiceProto;
import meridian.orders.v1.OrdersServiceProto;
import meridian.pricing.v1.PricingServiceProto;

/** The v1 contract files and their services. */
final class Contracts {

    private Contracts() {
    }

    static List<FileDescriptor> files() {
        return List.of(InventoryServiceProto.getDescriptor(), PricingServiceProto.getDescriptor(),
                OrdersServiceProto.getDescriptor());
    }

    static List<ServiceDescriptor> services() {
        return files().stream().flatMap(f -> f.getServices().stream()).toList();
    }
}
