package meridian.platform;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.google.type.Money;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockLevel;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.UpsertPriceRequest;

/** Seeding and reading through the public contracts, with names unique to one test. */
final class Fixtures {

    final String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36).toUpperCase(Locale.ROOT);
    final String location = "e2e-" + suffix.toLowerCase(Locale.ROOT);
    final String customer = "e2e-" + suffix;

    private final ManagedChannel inventory;
    private final ManagedChannel pricing;

    Fixtures(ManagedChannel inventory, ManagedChannel pricing) {
        this.inventory = inventory;
        this.pricing = pricing;
    }

    String sku(String base) {
        return base + "-" + suffix;
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    void price(String sku, long units, int nanos) {
        PricingServiceGrpc.newBlockingStub(pricing).withDeadlineAfter(10, TimeUnit.SECONDS)
                .upsertPrice(UpsertPriceRequest.newBuilder().setRequestId(id())
                        .setPrice(Price.newBuilder().setName("skus/" + sku + "/prices/EUR").setUnitPrice(eur(units, nanos)))
                        .build());
    }

    AdjustStockResponse receive(String sku, long delta) {
        return receive(sku, delta, new Metadata());
    }

    /** Receives stock through an AdjustStock feed sent with {@code headers} (such as a traceparent). */
    AdjustStockResponse receive(String sku, long delta, Metadata headers) {
        CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
        StreamObserver<AdjustStockRequest> feed = InventoryServiceGrpc.newStub(inventory).withDeadlineAfter(10, TimeUnit.SECONDS)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .adjustStock(new StreamObserver<>() {
                    @Override
                    public void onNext(AdjustStockResponse value) {
                        summary.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        summary.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        summary.complete(null);
                    }
                });
        feed.onNext(AdjustStockRequest.newBuilder().setRequestId(id()).addAdjustments(StockAdjustment.newBuilder()
                .setSku(sku).setLocationId(location).setDelta(delta).setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED))
                .build());
        feed.onCompleted();
        return summary.join();
    }

    StockLevel stock(String sku) {
        return InventoryServiceGrpc.newBlockingStub(inventory).withDeadlineAfter(10, TimeUnit.SECONDS)
                .getStockLevel(GetStockLevelRequest.newBuilder()
                        .setName("locations/" + location + "/stockLevels/" + sku).build())
                .getStockLevel();
    }

    PlaceOrderRequest order(boolean allowBackorder, String sku, long quantity) {
        return PlaceOrderRequest.newBuilder().setRequestId(id()).setCustomerId(customer).setLocationId(location)
                .setCurrencyCode("EUR").setAllowBackorder(allowBackorder)
                .addAllLines(List.of(OrderLineInput.newBuilder().setSku(sku).setQuantity(quantity).build())).build();
    }
}
