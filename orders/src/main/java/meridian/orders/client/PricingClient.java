package meridian.orders.client;

import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.TimeoutException;
import meridian.pricing.v1.MutinyPricingServiceGrpc.MutinyPricingServiceStub;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;
import meridian.pricing.v1.Quote;

/** PricingService calls of the saga. */
@ApplicationScoped
public class PricingClient {

    @GrpcClient("pricing")
    MutinyPricingServiceStub stub;

    private final DownstreamCalls calls;

    public PricingClient(DownstreamCalls calls) {
        this.calls = calls;
    }

    /**
     * Streams the lines through QuotePrices and returns the final Quote (its name is empty when a line
     * failed). Idempotent by request_id, so retried within the budget.
     */
    public Quote quote(String requestId, String currencyCode, List<QuoteLineInput> lines, Budget budget) {
        List<QuotePricesRequest> requests = lines.stream().map(line -> QuotePricesRequest.newBuilder()
                .setRequestId(requestId).setCurrencyCode(currencyCode).setLine(line).build()).toList();
        return calls.retrying(budget, () -> {
            List<QuotePricesResponse> responses;
            try {
                responses = stub.withDeadline(budget.deadline())
                        .quotePrices(Multi.createFrom().iterable(requests))
                        .collect().asList()
                        // The call's own deadline ends it first; this only guards the wait.
                        .await().atMost(Duration.ofMillis(budget.remainingMillis() + 1000));
            } catch (TimeoutException e) {
                throw Status.DEADLINE_EXCEEDED.withDescription("quote timed out").asRuntimeException();
            }
            return responses.stream().filter(QuotePricesResponse::hasQuote).map(QuotePricesResponse::getQuote)
                    .reduce((first, second) -> second)
                    .orElseThrow(() -> Status.UNAVAILABLE.withDescription("pricing ended the quote stream without a quote")
                            .asRuntimeException());
        });
    }
}
