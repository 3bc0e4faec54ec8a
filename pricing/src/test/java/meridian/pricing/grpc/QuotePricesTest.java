package meridian.pricing.grpc;

import static meridian.pricing.PricingClient.decimal;
import static meridian.pricing.PricingClient.line;
import static meridian.pricing.PricingClient.priced;
import static meridian.pricing.PricingClient.quoteRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.google.rpc.ErrorInfo;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.errors.ErrorDetails;
import meridian.pricing.PricingClient;
import meridian.pricing.PricingClient.Collector;
import meridian.pricing.PricingClient.QuoteAnswer;
import meridian.pricing.SettableClock;
import meridian.pricing.v1.GetQuoteRequest;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuoteLineInput;
import meridian.pricing.v1.QuotePricesRequest;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class QuotePricesTest extends PricingGrpcTest {

    @Inject
    SettableClock clock;

    @Inject
    DataSource dataSource;

    @AfterEach
    void realTime() {
        clock.reset();
    }

    private static Quote getQuote(String name) {
        return client.blocking.getQuote(GetQuoteRequest.newBuilder().setName(name).build()).getQuote();
    }

    @Test
    void aQuoteKeepsItsPricesUntilItExpiresThenIsRejected() {
        String sku = PricingClient.sku("BIND");
        client.upsertPrice(sku, "EUR", "10.00", 5, "9.00");
        Instant issued = Instant.now().truncatedTo(ChronoUnit.MICROS);
        clock.set(issued);
        QuoteAnswer answer = client.quote(UUID.randomUUID().toString(), "EUR", List.of(line(sku, 2), line(sku, 5)));
        Quote quote = answer.quote();
        assertThat(quote.getName()).startsWith("quotes/");
        assertThat(decimal(quote.getTotal())).isEqualByComparingTo("65.00");
        Instant expiry = Instant.ofEpochSecond(quote.getExpireTime().getSeconds(), quote.getExpireTime().getNanos());
        assertThat(expiry).isEqualTo(issued.plus(Duration.ofMinutes(15)));

        client.upsertPrice(sku, "EUR", "12.00", 5, "11.00");
        clock.set(expiry.minusNanos(1));
        assertThat(getQuote(quote.getName())).isEqualTo(quote);
        // A new quote sees the new price; the old one does not.
        assertThat(decimal(client.quote(UUID.randomUUID().toString(), "EUR", List.of(line(sku, 2))).quote()
                .getTotal())).isEqualByComparingTo("24.00");

        clock.set(expiry);
        StatusRuntimeException expired = GrpcAssertions.assertStatus(() -> getQuote(quote.getName()),
                Status.Code.FAILED_PRECONDITION, "QUOTE_EXPIRED");
        assertThat(expired.getStatus().getDescription()).contains(quote.getName()).contains("expired");
        assertThat(ErrorDetails.of(expired).errorInfo().map(ErrorInfo::getDomain)).contains("pricing.meridian");
    }

    @Test
    void aThousandLinesComeBackInOrderAllPriced() {
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String sku = PricingClient.sku("BULK");
            client.upsertPrice(sku, "EUR", (i + 1) + ".25", 100, (i + 1) + ".00");
            skus.add(sku);
        }
        List<QuoteLineInput> lines = new ArrayList<>();
        BigDecimal expectedTotal = BigDecimal.ZERO;
        for (int i = 0; i < 1000; i++) {
            int s = (i * 7) % skus.size();
            long quantity = 1 + (i % 150);
            lines.add(line(skus.get(s), quantity));
            BigDecimal unit = new BigDecimal((s + 1) + (quantity >= 100 ? ".00" : ".25"));
            expectedTotal = expectedTotal.add(unit.multiply(BigDecimal.valueOf(quantity)));
        }
        QuoteAnswer answer = client.quote(UUID.randomUUID().toString(), "EUR", lines);

        assertThat(answer.error()).isNull();
        assertThat(answer.lines()).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            PricedLine line = priced(answer.line(i));
            assertThat(line.getIndex()).isEqualTo(i);
            assertThat(line.getSku()).isEqualTo(lines.get(i).getSku());
            assertThat(line.getQuantity()).isEqualTo(lines.get(i).getQuantity());
            assertThat(line.getTierMinQuantity()).isEqualTo(line.getQuantity() >= 100 ? 100 : 1);
        }
        assertThat(decimal(answer.quote().getTotal())).isEqualByComparingTo(expectedTotal);
        assertThat(getQuote(answer.quote().getName()).getLinesList()).isEqualTo(answer.lines());
    }

    @Test
    void eachLineIsAnsweredBeforeTheNextIsSent() {
        String sku = PricingClient.sku("LIVE");
        client.upsertPrice(sku, "JPY", "300");
        Collector collector = new Collector();
        StreamObserver<QuotePricesRequest> requests = client.async.quotePrices(collector);
        String requestId = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            requests.onNext(quoteRequest(requestId, "JPY", line(sku, i + 1)));
            int answered = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> collector.lines.size() == answered);
            assertThat(collector.lines.get(i).getQuantity()).isEqualTo(i + 1);
        }
        requests.onCompleted();
        assertThat(collector.await().quote().getLinesCount()).isEqualTo(5);
    }

    @Test
    void aCancelledStreamPersistsNothing() throws Exception {
        String sku = PricingClient.sku("CANCEL");
        client.upsertPrice(sku, "EUR", "1.00");
        String requestId = UUID.randomUUID().toString();
        Collector collector = new Collector();
        ClientCallStreamObserver<QuotePricesRequest> requests =
                (ClientCallStreamObserver<QuotePricesRequest>) client.async.quotePrices(collector);
        for (int i = 0; i < 300; i++) {
            requests.onNext(quoteRequest(requestId, "EUR", line(sku, 1)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> collector.lines.size() >= 100);
        requests.cancel("client gave up", null);
        assertThat(collector.await().error()).isNotNull();
        assertThat(quoteRows(requestId)).isZero();

        // The same request_id is still free: a complete retry gets a fresh, whole quote.
        QuoteAnswer retry = client.quote(requestId, "EUR", List.of(line(sku, 2)));
        assertThat(retry.quote().getLinesCount()).isEqualTo(1);
        assertThat(quoteRows(requestId)).isEqualTo(1);
        assertThat(storedLines(retry.quote().getName().substring("quotes/".length()))).isEqualTo(1);
    }

    @Test
    void unpricedLinesAreReportedInBandAndTheQuoteIsNotPersisted() {
        String sku = PricingClient.sku("PART");
        client.upsertPrice(sku, "EUR", "3.00");
        String requestId = UUID.randomUUID().toString();
        QuoteAnswer answer = client.quote(requestId, "EUR", List.of(line(sku, 1), line("NO-SUCH-" + sku, 1),
                line(sku, 2), QuoteLineInput.newBuilder().setSku("bad sku").setQuantity(0).build()));
        client.upsertPrice(sku, "USD", "3.00");
        QuoteAnswer otherCurrency = client.quote(UUID.randomUUID().toString(), "GBP", List.of(line(sku, 1)));

        assertThat(answer.error()).isNull();
        assertThat(answer.lines()).extracting(l -> l.getError().getReason())
                .containsExactly("", "UNKNOWN_SKU", "", "INVALID_REQUEST");
        assertThat(answer.line(3).getError().getMessage()).contains("line.sku");
        assertThat(answer.line(1).hasUnitPrice()).isFalse();
        assertThat(answer.quote().getName()).isEmpty();
        assertThat(decimal(answer.quote().getTotal())).isEqualByComparingTo("9.00");
        assertThat(quoteRows(requestId)).isZero();
        assertThat(otherCurrency.line(0).getError().getReason()).isEqualTo("CURRENCY_NOT_PRICED");
    }

    @Test
    void aRetriedStreamGetsTheOriginalQuoteAndAnotherPayloadIsRefused() {
        String sku = PricingClient.sku("RETRY");
        client.upsertPrice(sku, "EUR", "4.00");
        String requestId = UUID.randomUUID().toString();
        List<QuoteLineInput> lines = List.of(line(sku, 1), line(sku, 3));
        QuoteAnswer first = client.quote(requestId, "EUR", lines);
        client.upsertPrice(sku, "EUR", "5.00");

        QuoteAnswer retry = client.quote(requestId, "EUR", lines);
        assertThat(retry.quote()).isEqualTo(first.quote());
        assertThat(retry.lines()).isEqualTo(first.lines());

        QuoteAnswer reused = client.quote(requestId, "EUR", List.of(line(sku, 2)));
        GrpcAssertions.assertStatus(() -> {
            throw reused.error();
        }, Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(quoteRows(requestId)).isEqualTo(1);
    }

    @Test
    void concurrentIdenticalStreamsProduceOneQuote() throws Exception {
        String sku = PricingClient.sku("TWIN");
        client.upsertPrice(sku, "EUR", "2.00");
        String requestId = UUID.randomUUID().toString();
        List<QuoteLineInput> lines = List.of(line(sku, 1), line(sku, 2), line(sku, 3));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<QuoteAnswer>> answers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                answers.add(pool.submit((Callable<QuoteAnswer>) () -> client.quote(requestId, "EUR", lines)));
            }
            Quote winner = answers.get(0).get().quote();
            for (Future<QuoteAnswer> answer : answers) {
                assertThat(answer.get().error()).isNull();
                assertThat(answer.get().quote()).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(quoteRows(requestId)).isEqualTo(1);
    }

    @Test
    void streamFieldsMustStayTheSame() {
        String sku = PricingClient.sku("SAME");
        client.upsertPrice(sku, "EUR", "1.00");
        Collector collector = new Collector();
        StreamObserver<QuotePricesRequest> requests = client.async.quotePrices(collector);
        requests.onNext(quoteRequest(UUID.randomUUID().toString(), "EUR", line(sku, 1)));
        requests.onNext(quoteRequest(UUID.randomUUID().toString(), "EUR", line(sku, 1)));
        requests.onCompleted();
        Throwable changed = collector.await().error();
        GrpcAssertions.assertInvalidFields(() -> {
            throw changed;
        }, "request_id");

        Collector missing = new Collector();
        StreamObserver<QuotePricesRequest> noCurrency = client.async.quotePrices(missing);
        noCurrency.onNext(QuotePricesRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setLine(line(sku, 1)).build());
        noCurrency.onCompleted();
        Throwable error = missing.await().error();
        GrpcAssertions.assertInvalidFields(() -> {
            throw error;
        }, "currency_code");
    }

    @Test
    void moreThanAThousandLinesEndTheStream() {
        String sku = PricingClient.sku("MANY");
        client.upsertPrice(sku, "EUR", "1.00");
        String requestId = UUID.randomUUID().toString();
        List<QuoteLineInput> lines = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            lines.add(line(sku, 1));
        }
        QuoteAnswer answer = client.quote(requestId, "EUR", lines);
        GrpcAssertions.assertInvalidFields(() -> {
            throw answer.error();
        }, "line");
        assertThat(answer.lines()).hasSize(1000);
        assertThat(quoteRows(requestId)).isZero();
    }

    @Test
    void unknownOrMalformedQuotesAreRefused() {
        GrpcAssertions.assertStatus(() -> getQuote("quotes/" + UUID.randomUUID()), Status.Code.NOT_FOUND,
                "NOT_FOUND");
        GrpcAssertions.assertStatus(() -> getQuote("quotes/not-a-uuid"), Status.Code.NOT_FOUND, "NOT_FOUND");
        GrpcAssertions.assertInvalidFields(() -> getQuote("orders/1"), "name");
    }

    private long quoteRows(String requestId) {
        return count("SELECT count(*) FROM quote WHERE request_id = '" + UUID.fromString(requestId) + "'");
    }

    private long storedLines(String quoteId) {
        return count("SELECT cardinality(line_sku) FROM quote WHERE id = '" + UUID.fromString(quoteId) + "'");
    }

    private long count(String sql) {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
