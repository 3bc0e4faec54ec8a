package meridian.orders.testing;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.stub.StreamObserver;

/** grpc.health.v1 of a fake downstream: SERVING unless a test says otherwise. */
class FakeHealth extends HealthGrpc.HealthImplBase {

    volatile boolean serving = true;

    @Override
    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> out) {
        out.onNext(HealthCheckResponse.newBuilder()
                .setStatus(serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING).build());
        out.onCompleted();
    }
}
