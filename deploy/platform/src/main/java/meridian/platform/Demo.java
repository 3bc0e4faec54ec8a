package meridian.platform;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Timestamp;
import com.google.type.Money;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ListStockLevelsRequest;
import meridian.inventory.v1.StockAdjustment;
import meridian.inventory.v1.StockLevel;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.orders.v1.WatchOrderEventsResponse;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPromotionRequest;

/** deploy/run --demo: a short tour of the platform through its public contracts only. */
final class Demo {

    private static final String LOCATION = "berlin-1";
    private static final String CUSTOMER = "demo-customer";

    private final LocalPlatform platform;
    private final OtlpTraceReceiver receiver;

    Demo(LocalPlatform platform, OtlpTraceReceiver receiver) {
        this.platform = platform;
        this.receiver = receiver;
    }

    void run() {
        ManagedChannel inventoryChannel = channel("inventory");
        ManagedChannel pricingChannel = channel("pricing");
        ManagedChannel ordersChannel = channel("orders");
        try {
            InventoryServiceGrpc.InventoryServiceStub inventoryAsync = InventoryServiceGrpc.newStub(inventoryChannel);
            InventoryServiceGrpc.InventoryServiceBlockingStub inventory = InventoryServiceGrpc.newBlockingStub(inventoryChannel);
            PricingServiceGrpc.PricingServiceBlockingStub pricing = PricingServiceGrpc.newBlockingStub(pricingChannel);
            OrdersServiceGrpc.OrdersServiceBlockingStub orders = OrdersServiceGrpc.newBlockingStub(ordersChannel);

            System.out.println("\n== demo: seeding prices, a promotion and stock");
            price(pricing, "TEA-GREEN", 4, 500_000_000, null);
            price(pricing, "MUG-BLUE", 12, 0, PriceTier.newBuilder().setMinQuantity(10).setUnitPrice(eur(10, 0)).build());
            price(pricing, "KETTLE", 39, 900_000_000, null);
            Instant now = Instant.now();
            pricing.upsertPromotion(UpsertPromotionRequest.newBuilder().setRequestId(id())
                    .setPromotion(Promotion.newBuilder().setName("promotions/winter-tea").setDisplayName("Winter tea -10%")
                            .setPercentOffBasisPoints(1000).addSkus("TEA-GREEN")
                            .setStartTime(ts(now.minusSeconds(60))).setEndTime(ts(now.plusSeconds(30 * 86400))))
                    .build());
            adjust(inventoryAsync, List.of(stock("TEA-GREEN", 100), stock("MUG-BLUE", 20), stock("KETTLE", 2)));

            CountDownLatch watching = new CountDownLatch(1);
            OrdersServiceGrpc.newStub(ordersChannel).watchOrderEvents(WatchOrderEventsRequest.newBuilder()
                    .setCustomerId(CUSTOMER).build(), new StreamObserver<>() {
                        @Override
                        public void onNext(WatchOrderEventsResponse response) {
                            var event = response.getEvent();
                            System.out.printf("   [event] %s %s -> %s %s%n", event.getOrder(), state(event.getFromState()),
                                    state(event.getToState()), event.getMessage());
                        }

                        @Override
                        public void onError(Throwable t) {
                            watching.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            watching.countDown();
                        }
                    });
            pause();

            System.out.println("\n== demo: an order that is in stock (traced)");
            String traceId = HexFormat.of().formatHex(randomBytes(16));
            Metadata traceparent = new Metadata();
            traceparent.put(Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
                    "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01");
            Order confirmed = orders.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(traceparent))
                    .placeOrder(place(false, line("TEA-GREEN", 3), line("MUG-BLUE", 1))).getOrder();
            print(confirmed);

            System.out.println("\n== demo: an order waiting for stock (backorder allowed)");
            Order backordered = orders.placeOrder(place(true, line("KETTLE", 5))).getOrder();
            print(backordered);

            System.out.println("\n== demo: an order refused (not enough stock, no backorder)");
            print(orders.placeOrder(place(false, line("MUG-BLUE", 500))).getOrder());

            System.out.println("\n== demo: 10 kettles arrive; the backorder is confirmed from the stock stream");
            adjust(inventoryAsync, List.of(stock("KETTLE", 10)));
            Order promoted = awaitState(orders, backordered.getName(), OrderState.ORDER_STATE_CONFIRMED);
            print(promoted);

            System.out.println("\n== demo: fulfil the first order, cancel the second");
            print(orders.fulfillOrder(FulfillOrderRequest.newBuilder().setName(confirmed.getName()).setRequestId(id())
                    .build()).getOrder());
            print(orders.cancelOrder(CancelOrderRequest.newBuilder().setName(promoted.getName()).setRequestId(id())
                    .setReason("demo").build()).getOrder());
            pause();

            System.out.println("\n== demo: stock at " + LOCATION);
            for (StockLevel level : inventory.listStockLevels(ListStockLevelsRequest.newBuilder()
                    .setParent("locations/" + LOCATION).build()).getStockLevelsList()) {
                System.out.printf("   %-10s on hand %4d  reserved %3d  available %4d%n", level.getSku(), level.getOnHand(),
                        level.getReserved(), level.getAvailable());
            }
            if (receiver != null) {
                TimeUnit.SECONDS.sleep(2);
                System.out.println("\n== demo: the trace of the first PlaceOrder\n" + TraceTree.render(receiver.trace(traceId)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            System.out.println("demo stopped: " + e);
        } finally {
            inventoryChannel.shutdownNow();
            pricingChannel.shutdownNow();
            ordersChannel.shutdownNow();
        }
    }

    private ManagedChannel channel(String service) {
        return ManagedChannelBuilder.forAddress("localhost", platform.port(service)).usePlaintext().build();
    }

    private static Order awaitState(OrdersServiceGrpc.OrdersServiceBlockingStub orders, String name, OrderState state)
            throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Order order = orders.getOrder(meridian.orders.v1.GetOrderRequest.newBuilder().setName(name).build()).getOrder();
            if (order.getState() == state) {
                return order;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(name + " did not reach " + state);
    }

    private static void price(PricingServiceGrpc.PricingServiceBlockingStub pricing, String sku, long units, int nanos,
            PriceTier tier) {
        Price.Builder price = Price.newBuilder().setName("skus/" + sku + "/prices/EUR").setUnitPrice(eur(units, nanos));
        if (tier != null) {
            price.addTiers(tier);
        }
        pricing.upsertPrice(UpsertPriceRequest.newBuilder().setRequestId(id()).setPrice(price).build());
    }

    private static void adjust(InventoryServiceGrpc.InventoryServiceStub inventory, List<StockAdjustment> lines)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<AdjustStockRequest> feed = inventory.adjustStock(new StreamObserver<>() {
            @Override
            public void onNext(AdjustStockResponse summary) {
                System.out.printf("   stock feed: %d lines applied, %d rejected%n", summary.getAppliedCount(),
                        summary.getRejectionsCount());
            }

            @Override
            public void onError(Throwable t) {
                System.out.println("   stock feed failed: " + t.getMessage());
                done.countDown();
            }

            @Override
            public void onCompleted() {
                done.countDown();
            }
        });
        feed.onNext(AdjustStockRequest.newBuilder().setRequestId(id()).addAllAdjustments(lines).build());
        feed.onCompleted();
        done.await(30, TimeUnit.SECONDS);
    }

    private static StockAdjustment stock(String sku, long delta) {
        return StockAdjustment.newBuilder().setSku(sku).setLocationId(LOCATION).setDelta(delta)
                .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED).setNote("demo delivery").build();
    }

    private static PlaceOrderRequest place(boolean allowBackorder, OrderLineInput... lines) {
        return PlaceOrderRequest.newBuilder().setRequestId(id()).setCustomerId(CUSTOMER).setLocationId(LOCATION)
                .setCurrencyCode("EUR").setAllowBackorder(allowBackorder).addAllLines(List.of(lines)).build();
    }

    private static OrderLineInput line(String sku, long quantity) {
        return OrderLineInput.newBuilder().setSku(sku).setQuantity(quantity).build();
    }

    private static void print(Order order) {
        StringBuilder lines = new StringBuilder();
        order.getLinesList().forEach(l -> lines.append(String.format(" %dx%s@%s", l.getQuantity(), l.getSku(),
                money(l.getUnitPrice()))));
        System.out.printf("   %s %-11s total %s%s%s%n", order.getName(), state(order.getState()), money(order.getTotal()),
                lines, order.hasRejection() ? "  rejected: " + order.getRejection().getMessage() : "");
    }

    private static String state(OrderState state) {
        return state.name().replace("ORDER_STATE_", "");
    }

    private static String money(Money money) {
        return money.getCurrencyCode().isEmpty() ? "-"
                : new java.math.BigDecimal(money.getUnits()).add(java.math.BigDecimal.valueOf(money.getNanos(), 9))
                        .stripTrailingZeros().toPlainString() + " " + money.getCurrencyCode();
    }

    private static Money eur(long units, int nanos) {
        return Money.newBuilder().setCurrencyCode("EUR").setUnits(units).setNanos(nanos).build();
    }

    private static Timestamp ts(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static void pause() throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(500);
    }
}
