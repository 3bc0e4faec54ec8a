package meridian.pricing.grpc;

import java.util.ArrayDeque;

import jakarta.inject.Inject;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.errors.GrpcStatusMapper;
import meridian.conventions.transport.CallWorkers;
import meridian.conventions.watch.FlowControlledStream;
import meridian.conventions.watch.LogPosition;
import meridian.conventions.watch.ServerStreams;
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
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPriceResponse;
import meridian.pricing.v1.UpsertPromotionRequest;
import meridian.pricing.v1.UpsertPromotionResponse;
import meridian.pricing.v1.WatchPricesRequest;
import meridian.pricing.v1.WatchPricesResponse;
import meridian.pricing.v1.PricingServiceGrpc;

/**
 * gRPC endpoint of meridian.pricing.v1.PricingService: maps messages, the service layer does the work.
 * Requests are validated by the global interceptor (single-message calls) or per message (QuotePrices).
 * GetPrice and QuotePrices answer cached prices on the event loop and hop to a worker only on a miss.
 * Plain grpc-java stubs (not Mutiny) so WatchPrices follows the call's flow control and ends at shutdown
 * through the conventions' {@link ServerStreams}, like the other services' watch streams.
 */
@GrpcService
public class PricingGrpcService extends PricingServiceGrpc.PricingServiceImplBase {

    @Inject
    PriceService prices;

    @Inject
    PromotionService promotions;

    @Inject
    QuoteService quotes;

    @Inject
    PriceWatch watch;

    @Inject
    GrpcStatusMapper errors;

    @Inject
    ServerStreams streams;

    @Override
    public void getPrice(GetPriceRequest request, StreamObserver<GetPriceResponse> response) {
        String sku = PricingMessages.skuOf(request.getName());
        String currency = PricingMessages.currencyOf(request.getName());
        Price cached = prices.cached(sku, currency);
        if (cached != null) {
            reply(response, GetPriceResponse.newBuilder().setPrice(cached).build());
            return;
        }
        CallWorkers.reply(response, () -> GetPriceResponse.newBuilder().setPrice(prices.get(sku, currency)).build(),
                errors);
    }

    @Override
    @Blocking
    public void listPrices(ListPricesRequest request, StreamObserver<ListPricesResponse> response) {
        reply(response, prices.list(request));
    }

    @Override
    @Blocking
    public void upsertPrice(UpsertPriceRequest request, StreamObserver<UpsertPriceResponse> response) {
        reply(response, UpsertPriceResponse.newBuilder()
                .setPrice(prices.upsert(request, ActorInterceptor.current())).build());
    }

    @Override
    @Blocking
    public void getPromotion(GetPromotionRequest request, StreamObserver<GetPromotionResponse> response) {
        reply(response, GetPromotionResponse.newBuilder().setPromotion(promotions.get(request.getName())).build());
    }

    @Override
    @Blocking
    public void listPromotions(ListPromotionsRequest request, StreamObserver<ListPromotionsResponse> response) {
        reply(response, promotions.list(request));
    }

    @Override
    @Blocking
    public void upsertPromotion(UpsertPromotionRequest request, StreamObserver<UpsertPromotionResponse> response) {
        reply(response, UpsertPromotionResponse.newBuilder()
                .setPromotion(promotions.upsert(request, ActorInterceptor.current())).build());
    }

    /**
     * Messages the transport may deliver ahead of the one being priced: enough that a pipelining caller's lines
     * arrive within the read that brought them (not each in a task of its own after the previous answer), few
     * enough to bound what one stream holds while a line waits for the database.
     */
    static final int QUOTE_WINDOW = 64;

    /**
     * Lines are answered in order, each as soon as it is priced: from memory on the event loop, within the read
     * that brought it; a line that needs the database (the first, or prices not cached) is priced on a worker
     * while the lines after it wait in the call's queue (at most {@link #QUOTE_WINDOW}: the transport is asked
     * for one more message per line answered). The quote follows the caller's half-close once every line is
     * answered; a cancelled or failed call never gets there, so nothing is written.
     */
    @Override
    public StreamObserver<QuotePricesRequest> quotePrices(StreamObserver<QuotePricesResponse> response) {
        ServerCallStreamObserver<QuotePricesResponse> call = (ServerCallStreamObserver<QuotePricesResponse>) response;
        call.disableAutoRequest();
        QuoteCall quote = new QuoteCall(quotes.open(), call);
        call.setOnCancelHandler(quote::cancelled);
        call.request(QUOTE_WINDOW);
        return quote;
    }

    /**
     * One QuotePrices call; see {@link #quotePrices}. Its messages and the workers' results all arrive on the
     * call's event loop, so the queue needs no lock.
     */
    private final class QuoteCall implements StreamObserver<QuotePricesRequest> {

        private final QuoteStream stream;
        private final ServerCallStreamObserver<QuotePricesResponse> call;
        /** Lines received while an earlier one is priced on a worker. */
        private final ArrayDeque<QuotePricesRequest> waiting = new ArrayDeque<>();
        /** A line is being priced on a worker. */
        private boolean pricing;
        private boolean halfClosed;
        /** Set once the call failed, was cancelled or is finishing: no more lines, and no (second) quote. */
        private volatile boolean ended;

        QuoteCall(QuoteStream stream, ServerCallStreamObserver<QuotePricesResponse> call) {
            this.stream = stream;
            this.call = call;
        }

        @Override
        public void onNext(QuotePricesRequest request) {
            if (ended) {
                return;
            }
            if (pricing) {
                waiting.add(request);
            } else {
                price(request);
            }
        }

        @Override
        public void onError(Throwable failure) {
            // The caller went away: no quote.
            cancelled();
        }

        @Override
        public void onCompleted() {
            halfClosed = true;
            if (!pricing) {
                finish();
            }
        }

        void cancelled() {
            ended = true;
        }

        private void price(QuotePricesRequest request) {
            PricedLine line;
            try {
                line = stream.accept(request);
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            if (line != null) {
                answer(line);
                return;
            }
            pricing = true;
            CallWorkers.onWorker(stream::pricePending, priced -> {
                pricing = false;
                if (ended) {
                    return;
                }
                answer(priced);
                while (!pricing && !ended && !waiting.isEmpty()) {
                    price(waiting.poll());
                }
                if (!pricing && halfClosed) {
                    finish();
                }
            }, this::fail);
        }

        private void finish() {
            if (!ended) {
                ended = true;
                CallWorkers.onWorker(stream::finish, quote -> {
                    call.onNext(QuotePricesResponse.newBuilder().setQuote(quote).build());
                    call.onCompleted();
                }, this::fail);
            }
        }

        private void answer(PricedLine line) {
            call.onNext(QuotePricesResponse.newBuilder().setLine(line).build());
            call.request(1);
        }

        private void fail(Throwable failure) {
            ended = true;
            waiting.clear();
            if (!call.isCancelled()) {
                call.onError(errors.toStatus(failure));
            }
        }
    }

    @Override
    @Blocking
    public void getQuote(GetQuoteRequest request, StreamObserver<GetQuoteResponse> response) {
        reply(response, GetQuoteResponse.newBuilder().setQuote(quotes.get(request.getName())).build());
    }

    /**
     * The cursor is checked (on a worker thread: it reads the database) before the stream starts, so a bad one
     * fails the call itself. Not @Blocking: with Quarkus' blocking dispatch a client's cancel never reaches the
     * call.
     */
    @Override
    public void watchPrices(WatchPricesRequest request, StreamObserver<WatchPricesResponse> response) {
        FlowControlledStream<WatchPricesResponse> stream = streams.open(response);
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            LogPosition after;
            try {
                after = watch.startAfter(request.getStartCursor());
            } catch (RuntimeException e) {
                stream.fail(e);
                return;
            }
            stream.start(watch.follow(after).map(change -> WatchPricesResponse.newBuilder().setChange(change).build()));
        });
    }

    private static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }
}
