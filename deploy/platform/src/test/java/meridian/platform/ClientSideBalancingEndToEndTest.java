package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;

/**
 * Orders against two inventory instances on one database, addressed through a static Stork list (the local stand-in
 * for the headless Service + round_robin used in Kubernetes): calls spread over both, and orders keeps working when
 * one stops. Runs its own platform so the shared one is not disturbed.
 */
class ClientSideBalancingEndToEndTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String REPLICA = LocalPlatform.replicaName("inventory");

    static LocalPlatform platform;
    static ManagedChannel inventory;
    static ManagedChannel pricing;
    static ManagedChannel orders;

    @BeforeAll
    static void start() throws IOException {
        Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("meridian-balancing");
        int inventoryPort = LocalPlatform.freePort();
        int replicaPort = LocalPlatform.freePort();
        // Only orders gets the two addresses; the packaged default (one host and port) stays as it is.
        List<String> ordersBalancing = List.of(
                "-Dquarkus.grpc.clients.inventory.name-resolver=stork",
                "-Dquarkus.grpc.clients.inventory.host=inventory",
                "-Dquarkus.stork.inventory.service-discovery.type=static",
                "-Dquarkus.stork.inventory.service-discovery.address-list=localhost:" + inventoryPort + ",localhost:"
                        + replicaPort);
        platform = LocalPlatform.start(new LocalPlatform.Options(root, null, work.resolve("logs"), 0,
                Map.of("inventory", inventoryPort), null, List.of("-Xmx256m"), Map.of("orders", ordersBalancing),
                Map.of("inventory", replicaPort)), step -> System.out.println("[balancing] " + step));
        inventory = channel(platform.port("inventory"));
        pricing = channel(platform.port("pricing"));
        orders = channel(platform.port("orders"));
    }

    @AfterAll
    static void stop() {
        for (ManagedChannel channel : new ManagedChannel[] { inventory, pricing, orders }) {
            if (channel != null) {
                channel.shutdownNow();
            }
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void ordersSpreadsReservationsOverBothInventoriesAndKeepsPlacingWhenOneStops() throws Exception {
        Fixtures f = new Fixtures(inventory, pricing);
        String kettle = f.sku("KETTLE");
        f.price(kettle, 30, 0);
        f.receive(kettle, 100);
        OrdersServiceGrpc.OrdersServiceBlockingStub placing = OrdersServiceGrpc.newBlockingStub(orders);

        for (int i = 0; i < 10; i++) {
            assertThat(placing.withDeadlineAfter(20, TimeUnit.SECONDS).placeOrder(f.order(false, kettle, 1)).getOrder()
                    .getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        }
        long servedByFirst = reserveStockCalls(platform.port("inventory"));
        long servedByReplica = reserveStockCalls(platform.port(REPLICA));
        System.out.printf("[balancing] ReserveStock served: inventory %d, %s %d%n", servedByFirst, REPLICA, servedByReplica);
        assertThat(servedByFirst).as("ReserveStock calls served by inventory").isPositive();
        assertThat(servedByReplica).as("ReserveStock calls served by %s", REPLICA).isPositive();
        assertThat(servedByFirst + servedByReplica).isGreaterThanOrEqualTo(10);

        platform.service(REPLICA).stop();

        for (int i = 0; i < 10; i++) {
            assertThat(placing.withDeadlineAfter(20, TimeUnit.SECONDS).placeOrder(f.order(false, kettle, 1)).getOrder()
                    .getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        }
        assertThat(reserveStockCalls(platform.port("inventory"))).isGreaterThanOrEqualTo(servedByFirst + 10);
        // Both instances wrote to the one database: every order holds its unit.
        assertThat(f.stock(kettle).getReserved()).isEqualTo(20L);
    }

    /** ReserveStock calls this instance has served, from its Prometheus metrics. */
    private static long reserveStockCalls(int port) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(line -> line.startsWith("grpc_server_processing_duration_seconds_count{")
                        && line.contains("method=\"ReserveStock\""))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }
}
