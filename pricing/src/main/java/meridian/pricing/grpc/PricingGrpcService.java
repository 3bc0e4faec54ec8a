package meridian.pricing.grpc;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.pricing.service.PriceService;
import meridian.pricing.service.PriceWatch;
import meridian.pricing.service.PricingMessages;
import meridian.pricing.service.PromotionService;
import meridian.pricing.service.QuoteService;
import meridian.pricing.service.QuoteStream;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.GetPriceResponse;
import meridian.pricing.v1.GetPromotionRequest;
import meridian.pricing.v1.GetPromotionResponse;
import meridian.pricing.v1.GetQuoteRequest;
import meridian.pricing.v1.GetQuoteResponse;
import meridian.pricing.v1.ListPricesRequest;
import meridian.pricing.v1.ListPricesResponse;
import meridian.pricing.v1.ListPromotionsRequest;
import meridian.pricing.v1.ListPromotionsResponse;
import meridian.pricing.v1.MutinyPricingServiceGrpc;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPriceResponse;
import meridian.pricing.v1.UpsertPromotionRequest;
import meridian.pricing.v1.UpsertPromotionResponse;
import meridian.pricing.v1.WatchPricesRequest;
import meridian.pricing.v1.WatchPricesResponse;

/**
 * gRPC endpoint of meridian.pricing.v1.PricingService: maps messages, the service layer does the work.
 * Requests are validated by the global interceptor (single-message calls) or per message (QuotePrices).
 * GetPrice and QuotePrices answer cached prices on the event loop and hop to a worker only on a miss.
 */
@GrpcService
public class PricingGrpcService extends MutinyPricingServiceGrpc.PricingServiceImplBase {

    @Inject
    PriceService prices;

    @Inject
    PromotionService promotions;

    @Inject
    QuoteService quotes;

    @Inject
    PriceWatch watch;

    @Override
    public Uni<GetPriceResponse> getPrice(GetPriceRequest request) {
        String sku = PricingMessages.skuOf(request.getName());
        String currency = PricingMessages.currencyOf(request.getName());
        return Uni.createFrom().item(() -> prices.cached(sku, currency))
                .onItem().ifNull().switchTo(() -> Uni.createFrom().item(() -> prices.get(sku, currency))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                .map(GetPriceResponse.newBuilder()::setPrice)
                .map(GetPriceResponse.Builder::build);
    }

    @Override
    @Blocking
    public Uni<ListPricesResponse> listPrices(ListPricesRequest request) {
        return Uni.createFrom().item(prices.list(request));
    }

    @Override
    @Blocking
    public Uni<UpsertPriceResponse> upsertPrice(UpsertPriceRequest request) {
        Price stored = prices.upsert(request, ActorInterceptor.current());
        return Uni.createFrom().item(UpsertPriceResponse.newBuilder().setPrice(stored).build());
    }

    @Override
    @Blocking
    public Uni<GetPromotionResponse> getPromotion(GetPromotionRequest request) {
        return Uni.createFrom().item(GetPromotionResponse.newBuilder()
                .setPromotion(promotions.get(request.getName())).build());
    }

    @Override
    @Blocking
    public Uni<ListPromotionsResponse> listPromotions(ListPromotionsRequest request) {
        return Uni.createFrom().item(promotions.list(request));
    }

    @Override
    @Blocking
    public Uni<UpsertPromotionResponse> upsertPromotion(UpsertPromotionRequest request) {
        return Uni.createFrom().item(UpsertPromotionResponse.newBuilder()
                .setPromotion(promotions.upsert(request, ActorInterceptor.current())).build());
    }

    @Override
    public Multi<QuotePricesResponse> quotePrices(Multi<QuotePricesRequest> requests) {
        QuoteStream stream = quotes.open();
        Multi<QuotePricesResponse> lines = requests
                .onItem().transformToUniAndConcatenate(stream::accept)
                .map(line -> QuotePricesResponse.newBuilder().setLine(line).build());
        // Subscribed only once the caller half-closed and every line was answered; never after a cancel.
        Multi<QuotePricesResponse> quote = Uni.createFrom().item(stream::finish)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(q -> QuotePricesResponse.newBuilder().setQuote(q).build())
                .toMulti();
        return Multi.createBy().concatenating().streams(lines, quote);
    }

    @Override
    @Blocking
    public Uni<GetQuoteResponse> getQuote(GetQuoteRequest request) {
        return Uni.createFrom().item(GetQuoteResponse.newBuilder().setQuote(quotes.get(request.getName())).build());
    }

    @Override
    public Multi<WatchPricesResponse> watchPrices(WatchPricesRequest request) {
        return OutboundFlowControl.paced(watch.watch(request.getStartCursor())
                .map(change -> WatchPricesResponse.newBuilder().setChange(change).build()));
    }
}
