package meridian.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import meridian.inventory.v1.StockLevel;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.OrdersServiceGrpc;

/** Inventory stops mid-run: orders turns not ready and refuses fast, nothing stays reserved, all recovers. */
class InventoryOutageEndToEndTest extends PlatformEndToEndTest {

    private static final String ORDERS = "meridian.orders.v1.OrdersService";

    @AfterAll
    static void restartInventoryIfStopped() {
        ServiceProcess service = running.platform.service("inventory");
        if (!service.isAlive()) {
            service.start();
            service.awaitServing(Duration.ofSeconds(90));
        }
    }

    @Test
    void ordersTurnsNotReadyFailsFastAndRecovers() {
        Fixtures f = new Fixtures(inventory, pricing);
        String lamp = f.sku("LAMP");
        f.price(lamp, 25, 0);
        f.receive(lamp, 10);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(orders);

        running.platform.service("inventory").stop();

        awaitOrdersHealth(health, ServingStatus.NOT_SERVING);
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                        .placeOrder(f.order(false, lamp, 1)));
        assertThat(refused).isNotNull();
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        running.platform.service("inventory").start();
        running.platform.service("inventory").awaitServing(Duration.ofSeconds(90));
        awaitOrdersHealth(health, ServingStatus.SERVING);

        // Nothing was left reserved by the refused order, and orders places again.
        StockLevel before = f.stock(lamp);
        assertThat(List.of(before.getOnHand(), before.getReserved())).containsExactly(10L, 0L);
        assertThat(OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                .placeOrder(f.order(false, lamp, 1)).getOrder().getState()).isEqualTo(OrderState.ORDER_STATE_CONFIRMED);
        assertThat(f.stock(lamp).getReserved()).isEqualTo(1L);
    }

    private static void awaitOrdersHealth(HealthGrpc.HealthBlockingStub health, ServingStatus expected) {
        await().atMost(Duration.ofSeconds(30))
                // A health call that times out on a busy machine is not an answer; ask again.
                .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                .untilAsserted(() -> assertThat(health.withDeadlineAfter(2, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.newBuilder().setService(ORDERS).build()).getStatus())
                        .isEqualTo(expected));
    }
}
