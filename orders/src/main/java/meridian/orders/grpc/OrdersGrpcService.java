package meridian.orders.grpc;

import io.quarkus.grpc.GrpcService;
import meridian.orders.v1.MutinyOrdersServiceGrpc;

/** gRPC endpoint of meridian.orders.v1.OrdersService: maps messages, the service layer does the work. */
@GrpcService
public class OrdersGrpcService extends MutinyOrdersServiceGrpc.OrdersServiceImplBase {
}
