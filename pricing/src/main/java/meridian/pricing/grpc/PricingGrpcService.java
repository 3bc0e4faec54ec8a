package meridian.pricing.grpc;

import io.quarkus.grpc.GrpcService;
import meridian.pricing.v1.MutinyPricingServiceGrpc;

/** gRPC endpoint of meridian.pricing.v1.PricingService: maps messages, the service layer does the work. */
@GrpcService
public class PricingGrpcService extends MutinyPricingServiceGrpc.PricingServiceImplBase {
}
