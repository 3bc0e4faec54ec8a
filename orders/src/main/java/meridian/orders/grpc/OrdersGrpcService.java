package meridian.orders.grpc;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import meridian.conventions.watch.ServerStreams;
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
import meridian.orders.v1.OrdersServiceGrpc;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.PlaceOrderResponse;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.orders.v1.WatchOrderEventsResponse;

/**
 * gRPC endpoint of meridian.orders.v1.OrdersService: maps messages, the service layer does the work.
 * Requests are validated by the conventions' interceptor before these methods run; failures thrown here
 * become statuses through the conventions' exception handler. Database and downstream work is blocking,
 * so the unary methods run on worker threads. The plain grpc-java base (not the Mutiny one) gives the
 * event stream real flow control.
 */
@GrpcService
public class OrdersGrpcService extends OrdersServiceGrpc.OrdersServiceImplBase {

    private final OrderService orders;
    private final OrderEventStream events;
    private final ServerStreams streams;

    public OrdersGrpcService(OrderService orders, OrderEventStream events, ServerStreams streams) {
        this.orders = orders;
        this.events = events;
        this.streams = streams;
    }

    @Override
    @Blocking
    public void placeOrder(PlaceOrderRequest request, StreamObserver<PlaceOrderResponse> out) {
        reply(out, PlaceOrderResponse.newBuilder().setOrder(orders.place(request)).build());
    }

    @Override
    @Blocking
    public void getOrder(GetOrderRequest request, StreamObserver<GetOrderResponse> out) {
        reply(out, GetOrderResponse.newBuilder().setOrder(orders.get(request.getName())).build());
    }

    @Override
    @Blocking
    public void listOrders(ListOrdersRequest request, StreamObserver<ListOrdersResponse> out) {
        reply(out, orders.list(request));
    }

    @Override
    @Blocking
    public void cancelOrder(CancelOrderRequest request, StreamObserver<CancelOrderResponse> out) {
        reply(out, CancelOrderResponse.newBuilder().setOrder(orders.cancel(request)).build());
    }

    @Override
    @Blocking
    public void fulfillOrder(FulfillOrderRequest request, StreamObserver<FulfillOrderResponse> out) {
        reply(out, FulfillOrderResponse.newBuilder().setOrder(orders.fulfil(request)).build());
    }

    /** Not blocking: the stream reads the log on worker threads, one batch at a time, as the client asks. */
    @Override
    public void watchOrderEvents(WatchOrderEventsRequest request, StreamObserver<WatchOrderEventsResponse> out) {
        streams.open(out).start(events.watch(request).map(e -> WatchOrderEventsResponse.newBuilder().setEvent(e).build()));
    }

    private static <T> void reply(StreamObserver<T> out, T response) {
        out.onNext(response);
        out.onCompleted();
    }
}
