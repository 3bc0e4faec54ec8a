package meridian.orders.client;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.BlockingClientCall;
import io.quarkus.grpc.GrpcClient;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;

/** PricingService calls of the saga. */
@ApplicationScoped
public class PricingClient {

    /** The configured channel, with the global interceptors (tracing, deadlines). */
    @GrpcClient("pricing")
    Channel channel;

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
            // The blocking stub runs the call's callbacks on this thread: no hand-off to another thread per message.
            BlockingClientCall<QuotePricesRequest, QuotePricesResponse> call = PricingServiceGrpc
                    .newBlockingV2Stub(channel).withDeadline(budget.deadline()).quotePrices();
            try {
                for (QuotePricesRequest request : requests) {
                    if (!call.write(request)) {
                        break; // the call ended early: reading gives its status
                    }
                }
                call.halfClose();
                Quote quote = null;
                // The call's deadline ends the reads at the latest.
                while (call.hasNext()) {
                    QuotePricesResponse response = call.read();
                    if (response.hasQuote()) {
                        quote = response.getQuote();
                    }
                }
                if (quote == null) {
                    throw Status.UNAVAILABLE.withDescription("pricing ended the quote stream without a quote")
                            .asRuntimeException();
                }
                return quote;
            } catch (StatusException e) {
                throw e.getStatus().asRuntimeException(e.getTrailers());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.cancel("interrupted", e);
                throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
            }
        });
    }
}
