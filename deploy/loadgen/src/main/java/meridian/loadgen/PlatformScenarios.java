package meridian.loadgen;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.grpc.stub.StreamObserver;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.AdjustmentReason;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReservationState;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.StockAdjustment;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderLine;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;

/** The platform's operations, each validating its response against the catalog it was seeded with. */
public final class PlatformScenarios {

    /** QuotePrices accepts at most this many lines per stream. */
    private static final int QUOTE_LINES_PER_STREAM = 1000;

    private PlatformScenarios() {
    }

    public static Scenario getStockLevel(Channels inventory, Catalog catalog) {
        List<InventoryServiceGrpc.InventoryServiceStub> stubs = inventory.stubs(InventoryServiceGrpc::newStub);
        return Scenario.of("GetStockLevel", "call", (connection, done) -> {
            String name = catalog.stockLevelName(catalog.randomIndex());
            Unary.timed(stubs.get(connection)).getStockLevel(GetStockLevelRequest.newBuilder().setName(name).build(),
                    Unary.observer(done, r -> name.equals(r.getStockLevel().getName()) && r.getStockLevel().getAvailable() >= 0
                            && r.getStockLevel().getOnHand() >= r.getStockLevel().getReserved()));
        });
    }

    public static Scenario getPrice(Channels pricing, Catalog catalog) {
        List<PricingServiceGrpc.PricingServiceStub> stubs = pricing.stubs(PricingServiceGrpc::newStub);
        return Scenario.of("GetPrice", "call", (connection, done) -> {
            int sku = catalog.randomIndex();
            String name = catalog.priceName(sku);
            Unary.timed(stubs.get(connection)).getPrice(GetPriceRequest.newBuilder().setName(name).build(), Unary.observer(done,
                    r -> name.equals(r.getPrice().getName()) && Catalog.cents(r.getPrice().getUnitPrice()) == catalog.priceCents(sku)));
        });
    }

    /** Quote lines pipelined on one long stream per connection (a new stream every 1000 lines, the contract's cap). */
    public static Scenario quoteOneStream(Channels pricing, Catalog catalog) {
        @SuppressWarnings("unchecked")
        Pipeline<QuotePricesRequest, QuotePricesResponse>[] lanes = new Pipeline[pricing.size()];
        for (int i = 0; i < lanes.length; i++) {
            PricingServiceGrpc.PricingServiceStub stub = PricingServiceGrpc.newStub(pricing.get(i));
            lanes[i] = new Pipeline<>(stub::quotePrices, QuotePricesResponse::hasLine, QUOTE_LINES_PER_STREAM);
        }
        return new Scenario() {
            @Override
            public String name() {
                return "QuotePrices one stream";
            }

            @Override
            public String unit() {
                return "line";
            }

            @Override
            public void start(int connection, Completion done) {
                int sku = catalog.randomIndex();
                long quantity = Catalog.quantity();
                lanes[connection].send(streamId -> quoteLine(streamId, catalog.sku(sku), quantity),
                        r -> priced(r.getLine(), catalog, sku, quantity), done);
            }

            @Override
            public void close() {
                for (Pipeline<?, ?> lane : lanes) {
                    lane.close();
                }
            }
        };
    }

    /** One whole quote per operation: open a stream, send a varied cart, half-close, check lines and quote. */
    public static Scenario quoteManyStreams(Channels pricing, Catalog catalog) {
        List<PricingServiceGrpc.PricingServiceStub> stubs = pricing.stubs(PricingServiceGrpc::newStub);
        return Scenario.of("QuotePrices many streams", "quote", (connection, done) -> {
            int[] skus = catalog.randomDistinct(Catalog.cartSize());
            long[] quantities = new long[skus.length];
            long expectedTotal = 0;
            for (int i = 0; i < skus.length; i++) {
                quantities[i] = Catalog.quantity();
                expectedTotal += quantities[i] * catalog.priceCents(skus[i]);
            }
            long total = expectedTotal;
            String id = UUID.randomUUID().toString();
            StreamObserver<QuotePricesRequest> requests = Unary.timed(stubs.get(connection)).quotePrices(new StreamObserver<>() {
                private int lines;
                private boolean valid = true;
                private boolean quoted;

                @Override
                public void onNext(QuotePricesResponse response) {
                    if (response.hasLine()) {
                        valid &= lines < skus.length && priced(response.getLine(), catalog, skus[lines], quantities[lines]);
                        lines++;
                    } else {
                        quoted = true;
                        valid &= lines == skus.length && !response.getQuote().getName().isEmpty()
                                && Catalog.cents(response.getQuote().getTotal()) == total;
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.failed(t);
                }

                @Override
                public void onCompleted() {
                    Outcomes.check(valid && quoted, done);
                }
            });
            for (int i = 0; i < skus.length; i++) {
                requests.onNext(quoteLine(id, catalog.sku(skus[i]), quantities[i]));
            }
            requests.onCompleted();
        });
    }

    public static Scenario reserveStock(Channels inventory, Catalog catalog) {
        List<InventoryServiceGrpc.InventoryServiceStub> stubs = inventory.stubs(InventoryServiceGrpc::newStub);
        return Scenario.of("ReserveStock", "call", (connection, done) -> {
            int[] skus = catalog.randomDistinct(1 + ThreadLocalRandom.current().nextInt(3));
            ReserveStockRequest.Builder request = ReserveStockRequest.newBuilder().setRequestId(UUID.randomUUID().toString());
            for (int sku : skus) {
                request.addLines(ReservationLine.newBuilder().setSku(catalog.sku(sku)).setLocationId(catalog.location())
                        .setQuantity(Catalog.quantity()));
            }
            Unary.timed(stubs.get(connection)).reserveStock(request.build(), Unary.observer(done,
                    r -> r.getReservation().getState() == ReservationState.RESERVATION_STATE_ACTIVE
                            && r.getReservation().getLinesCount() == skus.length && !r.getReservation().getName().isEmpty()));
        });
    }

    /** Lines of one warehouse feed (the inventory issue's 10,000-line feed). */
    public static final int FEED_LINES = 10_000;

    /** Lines per AdjustStock message of a feed. */
    private static final int FEED_LINES_PER_MESSAGE = 1_000;

    /**
     * One AdjustStock feed per operation: 10,000 received units, every catalog SKU at each of 10 feed locations
     * (distinct stock levels, none the other scenarios read), in 10 messages; the summary must say all applied.
     */
    public static Scenario stockFeed(Channels inventory, Catalog catalog) {
        List<InventoryServiceGrpc.InventoryServiceStub> stubs = inventory.stubs(InventoryServiceGrpc::newStub);
        return Scenario.of("AdjustStock feed of " + FEED_LINES + " lines", "feed", (connection, done) -> {
            StreamObserver<AdjustStockRequest> feed = Unary.timed(stubs.get(connection)).adjustStock(Unary.observer(done,
                    r -> r.getReceivedCount() == FEED_LINES && r.getAppliedCount() == FEED_LINES
                            && r.getRejectionsCount() == 0));
            String requestId = UUID.randomUUID().toString();
            AdjustStockRequest.Builder message = AdjustStockRequest.newBuilder().setRequestId(requestId);
            for (int line = 0; line < FEED_LINES; line++) {
                message.addAdjustments(StockAdjustment.newBuilder().setSku(catalog.sku(line % catalog.size()))
                        .setLocationId("feed-" + line / catalog.size()).setDelta(1)
                        .setReason(AdjustmentReason.ADJUSTMENT_REASON_RECEIVED));
                if (message.getAdjustmentsCount() == FEED_LINES_PER_MESSAGE) {
                    feed.onNext(message.build());
                    message = AdjustStockRequest.newBuilder().setRequestId(requestId);
                }
            }
            feed.onCompleted();
        });
    }

    public static Scenario placeOrder(Channels orders, Catalog catalog) {
        List<OrdersServiceGrpc.OrdersServiceStub> stubs = orders.stubs(OrdersServiceGrpc::newStub);
        return Scenario.of("PlaceOrder", "order", (connection, done) -> {
            int[] skus = catalog.randomDistinct(Catalog.cartSize());
            PlaceOrderRequest.Builder request = PlaceOrderRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                    .setCustomerId("bench-" + ThreadLocalRandom.current().nextInt(10_000)).setLocationId(catalog.location())
                    .setCurrencyCode(Catalog.CURRENCY);
            long expectedTotal = 0;
            for (int sku : skus) {
                long quantity = Catalog.quantity();
                expectedTotal += quantity * catalog.priceCents(sku);
                request.addLines(OrderLineInput.newBuilder().setSku(catalog.sku(sku)).setQuantity(quantity));
            }
            long total = expectedTotal;
            Unary.timed(stubs.get(connection)).placeOrder(request.build(), Unary.observer(done, r -> confirmed(r.getOrder(), skus.length, total)));
        });
    }

    /** Picks one of the scenarios for each operation, in proportion to its weight. */
    public record Weighted(int weight, Scenario scenario) {
    }

    public static Scenario mixed(String name, List<Weighted> mix) {
        int total = mix.stream().mapToInt(Weighted::weight).sum();
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start(int connection, Completion done) {
                int pick = ThreadLocalRandom.current().nextInt(total);
                for (Weighted w : mix) {
                    pick -= w.weight();
                    if (pick < 0) {
                        w.scenario().start(connection, done);
                        return;
                    }
                }
            }

            @Override
            public void close() {
                mix.forEach(w -> w.scenario().close());
            }
        };
    }

    private static QuotePricesRequest quoteLine(String requestId, String sku, long quantity) {
        return QuotePricesRequest.newBuilder().setRequestId(requestId).setCurrencyCode(Catalog.CURRENCY)
                .setLine(QuoteLineInput.newBuilder().setSku(sku).setQuantity(quantity)).build();
    }

    private static boolean priced(PricedLine line, Catalog catalog, int sku, long quantity) {
        return !line.hasError() && catalog.sku(sku).equals(line.getSku()) && line.getQuantity() == quantity
                && Catalog.cents(line.getUnitPrice()) == catalog.priceCents(sku)
                && Catalog.cents(line.getLineTotal()) == catalog.priceCents(sku) * quantity;
    }

    private static boolean confirmed(Order order, int lines, long totalCents) {
        if (order.getState() != OrderState.ORDER_STATE_CONFIRMED || order.getLinesCount() != lines
                || Catalog.cents(order.getTotal()) != totalCents) {
            return false;
        }
        long sum = 0;
        for (OrderLine line : order.getLinesList()) {
            sum += Catalog.cents(line.getLineTotal());
        }
        return sum == totalCents;
    }
}
