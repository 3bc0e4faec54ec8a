package meridian.orders.client;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.google.protobuf.util.Durations;

import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import meridian.inventory.v1.CommitReservationRequest;
import meridian.inventory.v1.InventoryServiceGrpc.InventoryServiceBlockingStub;
import meridian.inventory.v1.MutinyInventoryServiceGrpc.MutinyInventoryServiceStub;
import meridian.inventory.v1.ReleaseReservationRequest;
import meridian.inventory.v1.Reservation;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;

/** InventoryService calls of the saga: all idempotent by request_id, so retried within the budget. */
@ApplicationScoped
public class InventoryClient {

    @GrpcClient("inventory")
    InventoryServiceBlockingStub stub;

    @GrpcClient("inventory")
    MutinyInventoryServiceStub streams;

    private final DownstreamCalls calls;

    public InventoryClient(DownstreamCalls calls) {
        this.calls = calls;
    }

    public Reservation reserve(String requestId, List<ReservationLine> lines, Duration ttl, Budget budget) {
        ReserveStockRequest request = ReserveStockRequest.newBuilder().setRequestId(requestId).addAllLines(lines)
                .setTtl(Durations.fromMillis(ttl.toMillis())).build();
        return calls.retrying(budget, () -> stub.withDeadline(budget.deadline()).reserveStock(request).getReservation());
    }

    public Reservation release(String reservation, String requestId, Budget budget) {
        ReleaseReservationRequest request = ReleaseReservationRequest.newBuilder().setName(reservation)
                .setRequestId(requestId).build();
        return calls.retrying(budget,
                () -> stub.withDeadline(budget.deadline()).releaseReservation(request).getReservation());
    }

    public Reservation commit(String reservation, String requestId, Budget budget) {
        CommitReservationRequest request = CommitReservationRequest.newBuilder().setName(reservation)
                .setRequestId(requestId).build();
        return calls.retrying(budget,
                () -> stub.withDeadline(budget.deadline()).commitReservation(request).getReservation());
    }

    /** The stock change stream from {@code cursor} (empty: the head); long-lived, no deadline. */
    public Multi<WatchStockLevelsResponse> watch(String cursor) {
        return streams.watchStockLevels(WatchStockLevelsRequest.newBuilder().setStartCursor(cursor).build());
    }
}
