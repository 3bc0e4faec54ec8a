package meridian.inventory.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.inventory.persistence.ReservationRecord;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.service.ContractMessages;
import meridian.inventory.service.ReservationService;
import meridian.inventory.service.ReserveCommand;
import meridian.inventory.service.StockFeed;
import meridian.inventory.service.StockFeedService;
import meridian.inventory.service.StockQueryService;
import meridian.inventory.service.StockWatchService;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.BatchGetStockLevelsRequest;
import meridian.inventory.v1.BatchGetStockLevelsResponse;
import meridian.inventory.v1.CommitReservationRequest;
import meridian.inventory.v1.CommitReservationResponse;
import meridian.inventory.v1.GetReservationRequest;
import meridian.inventory.v1.GetReservationResponse;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.GetStockLevelResponse;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.inventory.v1.ListStockLevelsResponse;
import meridian.inventory.v1.MutinyInventoryServiceGrpc;
import meridian.inventory.v1.ReleaseReservationRequest;
import meridian.inventory.v1.ReleaseReservationResponse;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.ReserveStockResponse;
import meridian.inventory.v1.WatchStockLevelsRequest;
import meridian.inventory.v1.WatchStockLevelsResponse;

/**
 * gRPC endpoint of meridian.inventory.v1.InventoryService: maps messages, the service layer does the
 * work. Requests are already validated against the contract (RequestValidationInterceptor) except the
 * client stream, whose lines the feed validates one by one. Database work runs on worker threads.
 */
@GrpcService
public class InventoryGrpcService extends MutinyInventoryServiceGrpc.InventoryServiceImplBase {

    private final StockQueryService queries;
    private final ReservationService reservations;
    private final StockFeedService feeds;
    private final StockWatchService watches;

    InventoryGrpcService(StockQueryService queries, ReservationService reservations, StockFeedService feeds,
            StockWatchService watches) {
        this.queries = queries;
        this.reservations = reservations;
        this.feeds = feeds;
        this.watches = watches;
    }

    @Override
    @Blocking
    public Uni<GetStockLevelResponse> getStockLevel(GetStockLevelRequest request) {
        return Uni.createFrom().item(GetStockLevelResponse.newBuilder()
                .setStockLevel(queries.get(ContractMessages.stockKey(request.getName()))).build());
    }

    @Override
    @Blocking
    public Uni<BatchGetStockLevelsResponse> batchGetStockLevels(BatchGetStockLevelsRequest request) {
        List<StockKey> keys = request.getNamesList().stream().map(ContractMessages::stockKey).toList();
        return Uni.createFrom().item(BatchGetStockLevelsResponse.newBuilder()
                .addAllStockLevels(queries.batchGet(keys)).build());
    }

    @Override
    @Blocking
    public Uni<ListStockLevelsResponse> listStockLevels(ListStockLevelsRequest request) {
        return Uni.createFrom().item(queries.list(request.getParent(), request.getPageSize(),
                request.getPageToken(), request.getSkuPrefix()));
    }

    @Override
    @Blocking
    public Uni<ReserveStockResponse> reserveStock(ReserveStockRequest request) {
        List<ReservationRecord.Line> lines = request.getLinesList().stream()
                .map(l -> new ReservationRecord.Line(new StockKey(l.getLocationId(), l.getSku()), l.getQuantity()))
                .toList();
        Optional<Duration> ttl = request.hasTtl()
                ? Optional.of(Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()))
                : Optional.empty();
        return Uni.createFrom().item(reservations.reserve(new ReserveCommand(UUID.fromString(request.getRequestId()),
                RequestFingerprint.of(request), lines, ttl)));
    }

    @Override
    @Blocking
    public Uni<CommitReservationResponse> commitReservation(CommitReservationRequest request) {
        return Uni.createFrom().item(reservations.commit(reservationId(request.getName()),
                UUID.fromString(request.getRequestId()), RequestFingerprint.of(request)));
    }

    @Override
    @Blocking
    public Uni<ReleaseReservationResponse> releaseReservation(ReleaseReservationRequest request) {
        return Uni.createFrom().item(reservations.release(reservationId(request.getName()),
                UUID.fromString(request.getRequestId()), RequestFingerprint.of(request)));
    }

    @Override
    @Blocking
    public Uni<GetReservationResponse> getReservation(GetReservationRequest request) {
        return Uni.createFrom().item(GetReservationResponse.newBuilder()
                .setReservation(queries.reservation(reservationId(request.getName()))).build());
    }

    /** Lines are collected (and validated) as they arrive; the feed is applied only after half-close. */
    @Override
    public Uni<AdjustStockResponse> adjustStock(Multi<AdjustStockRequest> request) {
        return request.collect().in(feeds::open, StockFeed::add)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(feeds::apply);
    }

    /** The cursor is checked before the stream starts, so a bad one fails the call itself. */
    @Override
    @Blocking
    public Multi<WatchStockLevelsResponse> watchStockLevels(WatchStockLevelsRequest request) {
        long after = watches.startAfter(request.getStartCursor());
        return watches.follow(after, request.getLocationIdsList(), request.getSkusList())
                .map(change -> WatchStockLevelsResponse.newBuilder().setChange(change).build());
    }

    /** The id of "reservations/{id}"; an id that is not a UUID names no reservation. */
    private static UUID reservationId(String name) {
        String id = name.substring("reservations/".length());
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.toString().equals(id)) {
                return uuid;
            }
        } catch (IllegalArgumentException e) {
            // falls through: not one of ours
        }
        throw ServiceException.notFound(name);
    }
}
