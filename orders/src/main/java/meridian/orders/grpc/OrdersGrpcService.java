package meridian.orders.grpc;

import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import meridian.orders.service.OrderEventStream;
import meridian.orders.service.OrderService;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.CancelOrderResponse;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.FulfillOrderResponse;
import meridian.orders.v1.GetOrderRequest;
import meridian.orders.v1.GetOrderResponse;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.ListOrdersResponse;
import meridian.orders.v1.MutinyOrdersServiceGrpc;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.PlaceOrderResponse;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.orders.v1.WatchOrderEventsResponse;

/**
 * gRPC endpoint of meridian.orders.v1.OrdersService: maps messages, the service layer does the work.
 * Requests are validated by the conventions' interceptor before these methods run; database and
 * downstream work is blocking, so these methods run on worker threads.
 */
@GrpcService
public class OrdersGrpcService extends MutinyOrdersServiceGrpc.OrdersServiceImplBase {

    private final OrderService orders;
    private final OrderEventStream events;

    public OrdersGrpcService(OrderService orders, OrderEventStream events) {
        this.orders = orders;
        this.events = events;
    }

    @Override
    @Blocking
    public Uni<PlaceOrderResponse> placeOrder(PlaceOrderRequest request) {
        return Uni.createFrom().item(() -> PlaceOrderResponse.newBuilder().setOrder(orders.place(request)).build());
    }

    @Override
    @Blocking
    public Uni<GetOrderResponse> getOrder(GetOrderRequest request) {
        return Uni.createFrom().item(() -> GetOrderResponse.newBuilder().setOrder(orders.get(request.getName())).build());
    }

    @Override
    @Blocking
    public Uni<ListOrdersResponse> listOrders(ListOrdersRequest request) {
        return Uni.createFrom().item(() -> orders.list(request));
    }

    @Override
    @Blocking
    public Uni<CancelOrderResponse> cancelOrder(CancelOrderRequest request) {
        return Uni.createFrom().item(() -> CancelOrderResponse.newBuilder().setOrder(orders.cancel(request)).build());
    }

    @Override
    @Blocking
    public Uni<FulfillOrderResponse> fulfillOrder(FulfillOrderRequest request) {
        return Uni.createFrom().item(() -> FulfillOrderResponse.newBuilder().setOrder(orders.fulfil(request)).build());
    }

    /** Not blocking: the stream reads the log on worker threads, batch by batch, as the client asks. */
    @Override
    public Multi<WatchOrderEventsResponse> watchOrderEvents(WatchOrderEventsRequest request) {
        return events.watch(request).map(e -> WatchOrderEventsResponse.newBuilder().setEvent(e).build());
    }
}
