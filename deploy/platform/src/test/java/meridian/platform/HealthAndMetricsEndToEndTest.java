package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import meridian.orders.v1.OrdersServiceGrpc;

/** The HTTP side every service exposes on its gRPC port: SmallRye Health and Prometheus metrics. */
class HealthAndMetricsEndToEndTest extends PlatformEndToEndTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void healthEndpointsAnswerUpWithTheDatabaseCheck() throws Exception {
        for (String service : LocalPlatform.SERVICES) {
            for (String probe : new String[] { "live", "ready", "started" }) {
                HttpResponse<String> response = get(service, "/q/health/" + probe);
                assertThat(response.statusCode()).as("%s %s", service, probe).isEqualTo(200);
                assertThat(response.body()).contains("\"status\": \"UP\"");
            }
            assertThat(get(service, "/q/health/ready").body()).containsIgnoringCase("database");
        }
    }

    @Test
    void prometheusMetricsCoverGrpcCallsAndTheConnectionPool() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String sku = f.sku("CUP");
        f.price(sku, 3, 0);
        f.receive(sku, 5);
        OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS).placeOrder(f.order(false, sku, 1));
        String ordersMetrics = get("orders", "/q/metrics").body();
        assertThat(ordersMetrics).contains("grpc_server_processing_duration_seconds")
                .contains("method=\"PlaceOrder\"")
                .contains("grpc_client_processing_duration_seconds")
                .contains("agroal_active_count")
                .contains("orders_placed_total").contains("orders_stock_watch_lag_seconds");
        assertThat(get("inventory", "/q/metrics").body()).contains("method=\"ReserveStock\"")
                .contains("inventory_reservations_active").contains("inventory_watch_streams");
        assertThat(get("pricing", "/q/metrics").body()).contains("method=\"QuotePrices\"").contains("agroal_active_count");
    }

    private static HttpResponse<String> get(String service, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + running.platform.port(service) + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
