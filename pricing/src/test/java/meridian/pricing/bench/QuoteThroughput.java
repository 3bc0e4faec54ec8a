package meridian.pricing.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import meridian.pricing.PricingClient;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.pricing.v1.QuotePricesResponse;

/**
 * Manual benchmark helper (not a test): seeds prices on a running pricing service, writes the h2load body
 * of a cached GetPrice, and measures QuotePrices lines/s over one stream (1000 lines, the contract maximum).
 * Usage: QuoteThroughput HOST PORT BODY_FILE STREAMS
 */
public final class QuoteThroughput {

    public static void main(String[] args) throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress(args[0], Integer.parseInt(args[1])).usePlaintext()
                .build();
        PricingClient client = new PricingClient(channel);
        int skuCount = 100;
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < skuCount; i++) {
            String sku = "BENCH-" + i;
            client.upsertPrice(sku, "EUR", "10.25", 10, "9.50", 100, "8.75");
            skus.add(sku);
        }
        client.upsertPromotion(PricingClient.percentOff("bench-promo", 1250, java.time.Instant.now().minusSeconds(60),
                java.time.Instant.now().plusSeconds(86_400), "BENCH-1", "BENCH-2").build());
        byte[] message = GetPriceRequest.newBuilder().setName("skus/BENCH-1/prices/EUR").build().toByteArray();
        ByteBuffer body = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
        Files.write(Path.of(args[2]), body.array());

        PricingServiceGrpc.PricingServiceStub async = PricingServiceGrpc.newStub(channel);
        int streams = Integer.parseInt(args[3]);
        List<Double> pricedRates = new ArrayList<>();
        List<Double> quotedRates = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            List<QuoteLineInput> lines = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                lines.add(PricingClient.line(skus.get(i % skuCount), 1 + (i % 150)));
            }
            CompletableFuture<Long> lastLine = new CompletableFuture<>();
            CompletableFuture<Long> done = new CompletableFuture<>();
            int[] received = { 0 };
            StreamObserver<QuotePricesRequest> requests = async.quotePrices(new StreamObserver<>() {
                @Override
                public void onNext(QuotePricesResponse value) {
                    if (value.hasLine() && ++received[0] == 1000) {
                        lastLine.complete(System.nanoTime());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                    done.complete(System.nanoTime());
                }
            });
            String requestId = UUID.randomUUID().toString();
            long start = System.nanoTime();
            for (QuoteLineInput line : lines) {
                requests.onNext(QuotePricesRequest.newBuilder().setRequestId(requestId).setCurrencyCode("EUR")
                        .setLine(line).build());
            }
            requests.onCompleted();
            long end = done.get(60, TimeUnit.SECONDS);
            long priced = lastLine.get();
            if (s >= streams / 5) { // the first fifth warms up
                pricedRates.add(1000 / ((priced - start) / 1e9));
                quotedRates.add(1000 / ((end - start) / 1e9));
            }
        }
        Collections.sort(pricedRates);
        Collections.sort(quotedRates);
        System.out.printf("streams measured: %d (1000 lines each)%n", pricedRates.size());
        System.out.printf("lines/s until the last PricedLine: median %.0f, p10 %.0f, p90 %.0f%n",
                pricedRates.get(pricedRates.size() / 2), pricedRates.get(pricedRates.size() / 10),
                pricedRates.get(pricedRates.size() * 9 / 10));
        System.out.printf("lines/s until the persisted Quote: median %.0f, p10 %.0f, p90 %.0f%n",
                quotedRates.get(quotedRates.size() / 2), quotedRates.get(quotedRates.size() / 10),
                quotedRates.get(quotedRates.size() * 9 / 10));
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
