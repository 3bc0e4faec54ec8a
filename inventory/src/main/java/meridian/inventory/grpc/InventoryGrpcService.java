package meridian.inventory.grpc;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.errors.GrpcStatusMapper;
import meridian.conventions.transport.CallWorkers;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.watch.FlowControlledStream;
import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.ServerStreams;
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
import meridian.inventory.v1.InventoryServiceGrpc;
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
 * Plain grpc-java stubs (not Mutiny) so the watch stream can follow the call's flow control.
 */
@GrpcService
public class InventoryGrpcService extends InventoryServiceGrpc.InventoryServiceImplBase {

    private static final Logger LOG = Logger.getLogger(InventoryGrpcService.class);

    private final StockQueryService queries;
    private final ReservationService reservations;
    private final StockFeedService feeds;
    private final StockWatchService watches;
    private final GrpcStatusMapper errors;
    private final ServerStreams streams;

    InventoryGrpcService(StockQueryService queries, ReservationService reservations, StockFeedService feeds,
            StockWatchService watches, GrpcStatusMapper errors, ServerStreams streams) {
        this.streams = streams;
        this.queries = queries;
        this.reservations = reservations;
        this.feeds = feeds;
        this.watches = watches;
        this.errors = errors;
    }

    @Override
    @Blocking
    public void getStockLevel(GetStockLevelRequest request, StreamObserver<GetStockLevelResponse> response) {
        reply(response, () -> GetStockLevelResponse.newBuilder()
                .setStockLevel(queries.get(ContractMessages.stockKey(request.getName()))).build());
    }

    @Override
    @Blocking
    public void batchGetStockLevels(BatchGetStockLevelsRequest request,
            StreamObserver<BatchGetStockLevelsResponse> response) {
        List<StockKey> keys = request.getNamesList().stream().map(ContractMessages::stockKey).toList();
        reply(response, () -> BatchGetStockLevelsResponse.newBuilder()
                .addAllStockLevels(queries.batchGet(keys)).build());
    }

    @Override
    @Blocking
    public void listStockLevels(ListStockLevelsRequest request, StreamObserver<ListStockLevelsResponse> response) {
        reply(response, () -> queries.list(request.getParent(), request.getPageSize(), request.getPageToken(),
                request.getSkuPrefix()));
    }

    /**
     * Not @Blocking: Quarkus' blocking dispatch hands every listener event of the call (start, message, half-close,
     * complete) to a worker and back to the event loop, 8 thread hand-overs per call. Here the call's events and
     * validation stay on the event loop and only the statement goes to a worker, once; the answer is written
     * back on the event loop.
     */
    @Override
    public void reserveStock(ReserveStockRequest request, StreamObserver<ReserveStockResponse> response) {
        List<ReservationRecord.Line> lines = request.getLinesList().stream()
                .map(l -> new ReservationRecord.Line(new StockKey(l.getLocationId(), l.getSku()), l.getQuantity()))
                .toList();
        Optional<Duration> ttl = request.hasTtl()
                ? Optional.of(Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()))
                : Optional.empty();
        ReserveCommand command = new ReserveCommand(UUID.fromString(request.getRequestId()),
                RequestFingerprint.of(request), lines, ttl);
        CallWorkers.reply(response, () -> reservations.reserve(command), errors);
    }

    @Override
    @Blocking
    public void commitReservation(CommitReservationRequest request,
            StreamObserver<CommitReservationResponse> response) {
        reply(response, () -> reservations.commit(reservationId(request.getName()),
                UUID.fromString(request.getRequestId()), RequestFingerprint.of(request)));
    }

    @Override
    @Blocking
    public void releaseReservation(ReleaseReservationRequest request,
            StreamObserver<ReleaseReservationResponse> response) {
        reply(response, () -> reservations.release(reservationId(request.getName()),
                UUID.fromString(request.getRequestId()), RequestFingerprint.of(request)));
    }

    @Override
    @Blocking
    public void getReservation(GetReservationRequest request, StreamObserver<GetReservationResponse> response) {
        reply(response, () -> GetReservationResponse.newBuilder()
                .setReservation(queries.reservation(reservationId(request.getName()))).build());
    }

    /**
     * Lines are validated as they arrive; the feed is applied on a worker thread after half-close.
     * A cancelled or failed stream is dropped with nothing applied.
     */
    @Override
    @Blocking
    public StreamObserver<AdjustStockRequest> adjustStock(StreamObserver<AdjustStockResponse> response) {
        StockFeed feed = feeds.open();
        return new StreamObserver<>() {
            private boolean refused;

            @Override
            public void onNext(AdjustStockRequest message) {
                if (refused) {
                    return;
                }
                try {
                    feed.add(message);
                } catch (RuntimeException e) {
                    refused = true;
                    response.onError(errors.toStatus(e));
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debugf("stock feed dropped, nothing applied: %s", t.toString());
            }

            @Override
            public void onCompleted() {
                if (!refused) {
                    Infrastructure.getDefaultWorkerPool().execute(() -> reply(response, () -> feeds.apply(feed)));
                }
            }
        };
    }

    /**
     * The cursor is checked (on a worker thread: it reads the database) before the stream starts, so a
     * bad one fails the call itself. Not @Blocking: with Quarkus' blocking dispatch a client's cancel
     * never reaches the call, and the stream would run on after the client left.
     */
    @Override
    public void watchStockLevels(WatchStockLevelsRequest request,
            StreamObserver<WatchStockLevelsResponse> response) {
        FlowControlledStream<WatchStockLevelsResponse> stream = streams.open(response);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            LogPosition after;
            try {
                after = watches.startAfter(request.getStartCursor());
            } catch (RuntimeException e) {
                stream.fail(e);
                return;
            }
            stream.start(watches.follow(after, request.getLocationIdsList(), request.getSkusList())
                    .map(change -> WatchStockLevelsResponse.newBuilder().setChange(change).build()));
        });
    }

    private <T> void reply(StreamObserver<T> response, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            response.onError(errors.toStatus(e));
            return;
        }
        response.onNext(result);
        response.onCompleted();
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
