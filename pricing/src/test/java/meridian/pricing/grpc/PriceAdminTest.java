package meridian.pricing.grpc;

import static meridian.pricing.PricingClient.decimal;
import static meridian.pricing.PricingClient.money;
import static meridian.pricing.PricingClient.price;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.google.type.Money;

import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.pricing.PricingClient;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.GetPromotionRequest;
import meridian.pricing.v1.ListPricesRequest;
import meridian.pricing.v1.ListPricesResponse;
import meridian.pricing.v1.ListPromotionsRequest;
import meridian.pricing.v1.Price;
import meridian.pricing.v1.PriceChange;
import meridian.pricing.v1.PriceTier;
import meridian.pricing.v1.PricingServiceGrpc;
import meridian.pricing.v1.Promotion;
import meridian.pricing.v1.UpsertPriceRequest;
import meridian.pricing.v1.UpsertPromotionRequest;
import meridian.testing.GrpcAssertions;
import meridian.testing.PostgresTestResource;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class PriceAdminTest extends PricingGrpcTest {

    @Inject
    DataSource dataSource;

    private static PricingServiceGrpc.PricingServiceBlockingStub as(String actor) {
        return client.blocking.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(PricingClient.actorHeader(actor)));
    }

    private static Price getPrice(String sku, String currency) {
        return client.blocking.getPrice(GetPriceRequest.newBuilder().setName("skus/" + sku + "/prices/" + currency)
                .build()).getPrice();
    }

    private static UpsertPriceRequest upsert(Price price) {
        return UpsertPriceRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setPrice(price).build();
    }

    @Test
    void anUpsertIsReadableAtOnceAndAudited() {
        String sku = PricingClient.sku("ADMIN");
        Price first = as("alice").upsertPrice(upsert(price(sku, "EUR", "10.50", 10, "9.99", 50, "9.00"))).getPrice();
        assertThat(first.getRevision()).isEqualTo(1);
        assertThat(first.getUpdateActor()).isEqualTo("alice");
        assertThat(first.getTiersList()).extracting(PriceTier::getMinQuantity).containsExactly(10L, 50L);
        assertThat(getPrice(sku, "EUR")).isEqualTo(first);

        // Cached now; the next upsert must be visible on the very next read.
        Price second = client.blocking.upsertPrice(upsert(price(sku, "EUR", "11.00"))).getPrice();
        assertThat(second.getRevision()).isEqualTo(2);
        assertThat(second.getUpdateActor()).isEqualTo("anonymous");
        Price read = getPrice(sku, "EUR");
        assertThat(decimal(read.getUnitPrice())).isEqualByComparingTo("11.00");
        assertThat(read).isEqualTo(second);

        assertThat(rows("SELECT h.update_actor || ':' || h.revision FROM price_history h JOIN price p ON p.id = h.price_id"
                + " WHERE p.sku = '" + sku + "' ORDER BY h.revision")).containsExactly("alice:1", "anonymous:2");
    }

    @Test
    void aChangeCommittedByAnotherInstanceReachesTheCacheThroughTheChangeLog() throws Exception {
        String sku = PricingClient.sku("OTHER");
        Price first = client.blocking.upsertPrice(upsert(price(sku, "EUR", "5.00"))).getPrice();
        assertThat(getPrice(sku, "EUR")).isEqualTo(first);

        // Another instance commits revision 2 and appends its change; this instance never saw the upsert call.
        Price second = first.toBuilder().setRevision(2).setUnitPrice(PricingClient.money("EUR", "6.25")).build();
        try (var connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (var update = connection.prepareStatement(
                    "UPDATE price SET unit_minor = 625, revision = 2 WHERE sku = ? AND currency_code = 'EUR'");
                    var append = connection.prepareStatement(
                            "INSERT INTO price_change (change, create_time) VALUES (?, now())")) {
                update.setString(1, sku);
                assertThat(update.executeUpdate()).isEqualTo(1);
                append.setBytes(1, PriceChange.newBuilder().setPrice(second).build().toByteArray());
                append.executeUpdate();
            }
            connection.commit();
        }

        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Price read = getPrice(sku, "EUR");
        while (read.getRevision() != 2 && System.nanoTime() < giveUp) {
            Thread.sleep(50);
            read = getPrice(sku, "EUR");
        }
        assertThat(read.getRevision()).isEqualTo(2);
        assertThat(decimal(read.getUnitPrice())).isEqualByComparingTo("6.25");
    }

    @Test
    void aRetryReturnsTheOriginalAndAnotherPayloadIsRefused() {
        String sku = PricingClient.sku("IDEM");
        UpsertPriceRequest request = upsert(price(sku, "JPY", "1200"));
        Price original = client.blocking.upsertPrice(request).getPrice();
        assertThat(client.blocking.upsertPrice(request).getPrice()).isEqualTo(original);
        assertThat(getPrice(sku, "JPY").getRevision()).isEqualTo(1);

        GrpcAssertions.assertStatus(() -> client.blocking.upsertPrice(request.toBuilder()
                .setPrice(price(sku, "JPY", "1300")).build()), Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        // The same id on another method is another payload too.
        GrpcAssertions.assertStatus(() -> client.blocking.upsertPromotion(UpsertPromotionRequest.newBuilder()
                .setRequestId(request.getRequestId()).setPromotion(PricingClient.percentOff(
                        PricingClient.promotionId("x"), 10, Instant.now(), Instant.now().plusSeconds(60)))
                .build()), Status.Code.ALREADY_EXISTS, "REQUEST_ID_REUSED");
        assertThat(decimal(getPrice(sku, "JPY").getUnitPrice())).isEqualByComparingTo("1200");
    }

    @Test
    void concurrentDuplicatesMakeOneRevisionAndIdenticalAnswers() throws Exception {
        String sku = PricingClient.sku("RACE");
        UpsertPriceRequest request = upsert(price(sku, "EUR", "7.00"));
        List<Price> answers = concurrently(8, i -> client.blocking.upsertPrice(request).getPrice());
        assertThat(answers).allSatisfy(p -> assertThat(p).isEqualTo(answers.get(0)));
        assertThat(getPrice(sku, "EUR").getRevision()).isEqualTo(1);

        // Different requests on one new key: every one applies, revisions are distinct.
        String contested = PricingClient.sku("RACE");
        List<Price> revisions = concurrently(8,
                i -> client.blocking.upsertPrice(upsert(price(contested, "EUR", (i + 1) + ".00"))).getPrice());
        assertThat(revisions).extracting(Price::getRevision).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(getPrice(contested, "EUR").getRevision()).isEqualTo(8);
    }

    @Test
    void badPricesAreRefusedWithFieldPathsAndNothingIsStored() {
        String sku = PricingClient.sku("BAD");
        Money negative = Money.newBuilder().setCurrencyCode("EUR").setUnits(-1).build();
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(
                price(sku, "EUR", "1.00").toBuilder().setUnitPrice(negative).build())), "price.unit_price");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(price(sku, "EUR", "1.001"))),
                "price.unit_price");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(price(sku, "JPY", "1.5"))),
                "price.unit_price");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(price(sku, "BHD", "1.0001"))),
                "price.unit_price");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(price(sku, "ABC", "1.00"))),
                "price.name");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(
                price(sku, "EUR", "1.00").toBuilder().setUnitPrice(money("USD", "1.00")).build())),
                "price.unit_price.currency_code");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(
                price(sku, "EUR", "5.00", 10, "4.00", 5, "3.00"))), "price.tiers[1].min_quantity");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(
                price(sku, "EUR", "5.00", 10, "4.00").toBuilder()
                        .addTiers(PriceTier.newBuilder().setMinQuantity(20).setUnitPrice(money("GBP", "1.00")))
                        .build())), "price.tiers[1].unit_price.currency_code");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(upsert(
                price(sku, "EUR", "5.00", 10, "4.00", 10, "3.00"))), "price.tiers");
        GrpcAssertions.assertInvalidFields(() -> client.blocking.upsertPrice(
                upsert(price(sku, "EUR", "1.00")).toBuilder().setRequestId("not-a-uuid").build()), "request_id");

        GrpcAssertions.assertStatus(() -> getPrice(sku, "EUR"), Status.Code.NOT_FOUND, "NOT_FOUND");
        assertThat(rows("SELECT sku FROM price WHERE sku = '" + sku + "'")).isEmpty();
    }

    @Test
    void listPricesPagesBySkuThenCurrency() {
        String prefix = "LIST-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase() + "_";
        for (String suffix : List.of("B", "A", "C")) {
            client.upsertPrice(prefix + suffix, "USD", "1.00");
            client.upsertPrice(prefix + suffix, "EUR", "1.00");
        }
        // "_" must match itself only, not any character.
        client.upsertPrice(prefix.replace('_', 'X') + "A", "EUR", "1.00");
        List<String> names = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListPricesResponse page = client.blocking.listPrices(ListPricesRequest.newBuilder().setSkuPrefix(prefix)
                    .setPageSize(4).setPageToken(token).build());
            page.getPricesList().forEach(p -> names.add(p.getName()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(2);
        assertThat(names).containsExactly("skus/" + prefix + "A/prices/EUR", "skus/" + prefix + "A/prices/USD",
                "skus/" + prefix + "B/prices/EUR", "skus/" + prefix + "B/prices/USD",
                "skus/" + prefix + "C/prices/EUR", "skus/" + prefix + "C/prices/USD");
        assertThat(client.blocking.listPrices(ListPricesRequest.newBuilder().setSkuPrefix(prefix)
                .setCurrencyCode("USD").build()).getPricesCount()).isEqualTo(3);

        String first = client.blocking.listPrices(ListPricesRequest.newBuilder().setSkuPrefix(prefix).setPageSize(1)
                .build()).getNextPageToken();
        GrpcAssertions.assertInvalidFields(() -> client.blocking.listPrices(ListPricesRequest.newBuilder()
                .setSkuPrefix(prefix).setCurrencyCode("USD").setPageToken(first).build()), "page_token");
    }

    @Test
    void promotionsAreUpsertedReadAndListed() {
        Instant start = Instant.parse("2040-01-01T00:00:00Z");
        Instant end = start.plus(7, ChronoUnit.DAYS);
        String id = PricingClient.promotionId("adm");
        Promotion stored = as("bob").upsertPromotion(UpsertPromotionRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setPromotion(PricingClient.amountOff(id, money("BHD", "0.250"), start, end, "SKU-B", "SKU-A"))
                .build()).getPromotion();
        assertThat(stored.getRevision()).isEqualTo(1);
        assertThat(stored.getUpdateActor()).isEqualTo("bob");
        assertThat(stored.getSkusList()).containsExactly("SKU-A", "SKU-B");
        assertThat(client.blocking.getPromotion(GetPromotionRequest.newBuilder().setName(stored.getName()).build())
                .getPromotion()).isEqualTo(stored);

        Promotion replaced = client.upsertPromotion(PricingClient.percentOff(id, 1500, start, end).build());
        assertThat(replaced.getRevision()).isEqualTo(2);
        assertThat(replaced.getPercentOffBasisPoints()).isEqualTo(1500);
        assertThat(replaced.hasAmountOff()).isFalse();

        List<String> active = client.blocking.listPromotions(ListPromotionsRequest.newBuilder()
                .setActiveAt(PricingClient.ts(start.plusSeconds(1))).setPageSize(1000).build()).getPromotionsList()
                .stream().map(Promotion::getName).toList();
        assertThat(active).contains(stored.getName());
        assertThat(client.blocking.listPromotions(ListPromotionsRequest.newBuilder()
                .setActiveAt(PricingClient.ts(end)).setPageSize(1000).build()).getPromotionsList())
                .extracting(Promotion::getName).doesNotContain(stored.getName());

        GrpcAssertions.assertStatus(() -> client.blocking.getPromotion(GetPromotionRequest.newBuilder()
                .setName("promotions/" + PricingClient.promotionId("none")).build()), Status.Code.NOT_FOUND, "NOT_FOUND");
    }

    @Test
    void badPromotionsAreRefused() {
        Instant start = Instant.parse("2040-01-01T00:00:00Z");
        String id = PricingClient.promotionId("bad");
        GrpcAssertions.assertInvalidFields(() -> client.upsertPromotion(
                PricingClient.amountOff(id, money("ABC", "1.00"), start, start.plusSeconds(60)).build()),
                "promotion.amount_off.currency_code");
        GrpcAssertions.assertInvalidFields(() -> client.upsertPromotion(
                PricingClient.amountOff(id, money("JPY", "0.5"), start, start.plusSeconds(60)).build()),
                "promotion.amount_off");
        GrpcAssertions.assertInvalidFields(() -> client.upsertPromotion(
                PricingClient.percentOff(id, 0, start, start.plusSeconds(60)).build()),
                "promotion.percent_off_basis_points");
        GrpcAssertions.assertStatus(() -> client.upsertPromotion(
                PricingClient.percentOff(id, 100, start, start).build()), Status.Code.INVALID_ARGUMENT,
                "INVALID_REQUEST");
        GrpcAssertions.assertStatus(() -> client.blocking.getPromotion(GetPromotionRequest.newBuilder()
                .setName("promotions/" + id).build()), Status.Code.NOT_FOUND, "NOT_FOUND");
    }

    interface Call<T> {
        T run(int index) throws Exception;
    }

    private static <T> List<T> concurrently(int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<T>) () -> {
                    start.await();
                    return call.run(index);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<String> rows(String sql) {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
                var result = statement.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (result.next()) {
                rows.add(result.getString(1));
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
