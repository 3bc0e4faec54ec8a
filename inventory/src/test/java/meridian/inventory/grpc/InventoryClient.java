package meridian.inventory.grpc;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockLevel;

/** Calls of the inventory contract used by the tests, through real gRPC stubs. */
public final class InventoryClient {

    final InventoryServiceGrpc.InventoryServiceBlockingStub blocking;
    final InventoryServiceGrpc.InventoryServiceStub async;
    final InventoryServiceGrpc.InventoryServiceFutureStub futures;

    public InventoryClient(ManagedChannel channel) {
        blocking = InventoryServiceGrpc.newBlockingStub(channel);
        async = InventoryServiceGrpc.newStub(channel);
        futures = InventoryServiceGrpc.newFutureStub(channel);
    }

    /** A SKU no other test uses. */
    static String newSku() {
        return "T-" + UUID.randomUUID().toString().substring(0, 13).toUpperCase();
    }

    static String requestId() {
        return UUID.randomUUID().toString();
    }

    static String name(String location, String sku) {
        return "locations/" + location + "/stockLevels/" + sku;
    }

    static StockAdjustment adjustment(String location, String sku, long delta) {
        return StockAdjustment.newBuilder().setLocationId(location).setSku(sku).setDelta(delta)
                .setReason(delta > 0 ? AdjustmentReason.ADJUSTMENT_REASON_RECEIVED
                        : AdjustmentReason.ADJUSTMENT_REASON_DAMAGED)
                .build();
    }

    static ReservationLine line(String location, String sku, long quantity) {
        return ReservationLine.newBuilder().setLocationId(location).setSku(sku).setQuantity(quantity).build();
    }

    static ReserveStockRequest reserve(ReservationLine... lines) {
        return ReserveStockRequest.newBuilder().setRequestId(requestId()).addAllLines(List.of(lines)).build();
    }

    public StockLevel stock(String location, String sku) {
        return blocking.getStockLevel(GetStockLevelRequest.newBuilder().setName(name(location, sku)).build())
                .getStockLevel();
    }

    /** Receives {@code units} of a new SKU at {@code location}; returns the SKU. */
    public String stockedSku(String location, long units) {
        String sku = newSku();
        feed(requestId(), List.of(adjustment(location, sku, units)), 1);
        return sku;
    }

    /** Sends {@code lines} as one feed, {@code perMessage} lines a message, and waits for the summary. */
    AdjustStockResponse feed(String requestId, List<StockAdjustment> lines, int perMessage) {
        CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
        StreamObserver<AdjustStockRequest> out = async.adjustStock(observer(summary));
        List<List<StockAdjustment>> chunks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += perMessage) {
            chunks.add(lines.subList(i, Math.min(lines.size(), i + perMessage)));
        }
        for (List<StockAdjustment> chunk : chunks) {
            out.onNext(AdjustStockRequest.newBuilder().setRequestId(requestId).addAllAdjustments(chunk).build());
        }
        out.onCompleted();
        return await(summary);
    }

    static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                result.complete(null);
            }
        };
    }

    /** The result, or the StatusRuntimeException the call failed with. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw sre;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
