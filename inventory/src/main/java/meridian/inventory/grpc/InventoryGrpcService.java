package meridian.inventory.grpc;

import io.quarkus.grpc.GrpcService;
import meridian.inventory.v1.MutinyInventoryServiceGrpc;

/** gRPC endpoint of meridian.inventory.v1.InventoryService: maps messages, the service layer does the work. */
@GrpcService
public class InventoryGrpcService extends MutinyInventoryServiceGrpc.InventoryServiceImplBase {
}
