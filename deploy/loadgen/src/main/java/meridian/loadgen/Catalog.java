package meridian.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.type.Money;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.StockAdjustment;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.UpsertPriceRequest;

/**
 * The data the scenarios run against: SKUs with a EUR list price each (no tiers, no promotions, so a line costs
 * price x quantity) and plenty of stock at one location; carts drawn from it vary in size and content like real ones.
 */
public final class Catalog {

    public static final String CURRENCY = "EUR";
    /** Stock per SKU: reservations of a few units each never run it out during a suite. */
    private static final long STOCK = 1_000_000_000L;

    private final String location;
    private final List<String> skus;
    private final long[] priceCents;

    public Catalog(String location, List<String> skus, long[] priceCents) {
        this.location = location;
        this.skus = List.copyOf(skus);
        this.priceCents = priceCents.clone();
    }

    /** {@code count} SKUs named {@code prefix-00001..} with prices from 1.00 to 99.99 EUR, not yet stored anywhere. */
    public static Catalog generate(String location, String prefix, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> skus = new ArrayList<>();
        long[] prices = new long[count];
        for (int i = 0; i < count; i++) {
            skus.add(String.format(Locale.ROOT, "%s-%05d", prefix, i + 1));
            prices[i] = random.nextLong(100, 10_000);
        }
        return new Catalog(location, skus, prices);
    }

    /** Stores the prices and receives the stock through the public contracts. */
    public Catalog seed(ManagedChannel inventory, ManagedChannel pricing) {
        PricingServiceGrpc.PricingServiceFutureStub prices = PricingServiceGrpc.newFutureStub(pricing);
        List<ListenableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < skus.size(); i++) {
            pending.add(prices.withDeadlineAfter(60, TimeUnit.SECONDS).upsertPrice(UpsertPriceRequest.newBuilder()
                    .setRequestId(UUID.randomUUID().toString())
                    .setPrice(Price.newBuilder().setName(priceName(i)).setUnitPrice(money(priceCents[i]))).build()));
            if (pending.size() == 64) {
                awaitAll(pending);
            }
        }
        awaitAll(pending);
        receiveStock(inventory);
        return this;
    }

    private void receiveStock(ManagedChannel inventory) {
        CompletableFuture<AdjustStockResponse> summary = new CompletableFuture<>();
        StreamObserver<AdjustStockRequest> feed = InventoryServiceGrpc.newStub(inventory)
                .withDeadlineAfter(120, TimeUnit.SECONDS).adjustStock(new StreamObserver<>() {
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
        AdjustStockRequest.Builder request = AdjustStockRequest.newBuilder().setRequestId(UUID.randomUUID().toString());
        for (String sku : skus) {
            request.addAdjustments(StockAdjustment.newBuilder().setSku(sku).setLocationId(location).setDelta(STOCK)
                    .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED));
        }
        feed.onNext(request.build());
        feed.onCompleted();
        AdjustStockResponse response = summary.join();
        if (response == null || response.getAppliedCount() != skus.size()) {
            throw new IllegalStateException("stock was not received: " + response);
        }
    }

    private static void awaitAll(List<ListenableFuture<?>> pending) {
        try {
            for (ListenableFuture<?> future : pending) {
                future.get(60, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while seeding", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("seeding prices failed: " + e.getMessage(), e);
        } finally {
            pending.clear();
        }
    }

    public String location() {
        return location;
    }

    public int size() {
        return skus.size();
    }

    public String sku(int index) {
        return skus.get(index);
    }

    public long priceCents(int index) {
        return priceCents[index];
    }

    public String priceName(int index) {
        return "skus/" + skus.get(index) + "/prices/" + CURRENCY;
    }

    public String stockLevelName(int index) {
        return "locations/" + location + "/stockLevels/" + skus.get(index);
    }

    public int randomIndex() {
        return ThreadLocalRandom.current().nextInt(skus.size());
    }

    /** Distinct SKU indexes for one cart. */
    public int[] randomDistinct(int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int[] picked = new int[Math.min(count, skus.size())];
        for (int i = 0; i < picked.length; i++) {
            int candidate;
            boolean seen;
            do {
                candidate = random.nextInt(skus.size());
                seen = false;
                for (int j = 0; j < i; j++) {
                    seen |= picked[j] == candidate;
                }
            } while (seen);
            picked[i] = candidate;
        }
        return picked;
    }

    /** Lines per cart as web shops see them: mostly one to three, a long tail up to twelve. */
    public static int cartSize() {
        int p = ThreadLocalRandom.current().nextInt(100);
        if (p < 40) {
            return 1;
        } else if (p < 65) {
            return 2;
        } else if (p < 80) {
            return 3;
        } else if (p < 95) {
            return 4 + ThreadLocalRandom.current().nextInt(3);
        }
        return 7 + ThreadLocalRandom.current().nextInt(6);
    }

    /** Units per line: usually one. */
    public static long quantity() {
        int p = ThreadLocalRandom.current().nextInt(100);
        return p < 75 ? 1 : p < 95 ? 2 + ThreadLocalRandom.current().nextInt(2) : 4 + ThreadLocalRandom.current().nextInt(7);
    }

    public static Money money(long cents) {
        return Money.newBuilder().setCurrencyCode(CURRENCY).setUnits(cents / 100).setNanos((int) (cents % 100) * 10_000_000)
                .build();
    }

    /** The amount in cents, or -1 when it is not a whole number of cents in EUR. */
    public static long cents(Money money) {
        if (!CURRENCY.equals(money.getCurrencyCode()) || money.getNanos() % 10_000_000 != 0) {
            return -1;
        }
        return money.getUnits() * 100 + money.getNanos() / 10_000_000;
    }
}
