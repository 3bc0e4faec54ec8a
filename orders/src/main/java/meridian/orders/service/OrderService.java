package meridian.orders.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.grpc.Context;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.paging.PageTokens;
import meridian.orders.client.Budget;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderRepository;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.CancelOrderRequest;
import meridian.orders.v1.ErrorReason;
import meridian.orders.v1.FulfillOrderRequest;
import meridian.orders.v1.ListOrdersRequest;
import meridian.orders.v1.ListOrdersResponse;
import meridian.orders.v1.Order;
import meridian.orders.v1.PlaceOrderRequest;

/** Order use cases: placement (idempotent, through the saga), reads, cancel and fulfil. */
@ApplicationScoped
public class OrderService {

    private final OrderStore store;
    private final OrderRepository orders;
    private final PlacementSaga saga;
    private final SagaFaultHook faults;
    private final OrdersConfig config;
    private final MeterRegistry meters;

    public OrderService(OrderStore store, OrderRepository orders, PlacementSaga saga, SagaFaultHook faults,
            OrdersConfig config, MeterRegistry meters) {
        this.meters = meters;
        this.store = store;
        this.orders = orders;
        this.saga = saga;
        this.faults = faults;
        this.config = config;
    }

    /**
     * Places an order once per request_id. The first call runs the saga; a duplicate (even while the first
     * still runs) waits, within its deadline, for the order to leave PENDING and returns it.
     */
    @WithSpan("orders.place")
    public Order place(PlaceOrderRequest request) {
        Budget budget = Budget.ofIncomingCall(config.saga().maxBudget());
        if (budget.expired() || Context.current().isCancelled()) {
            // Queued past its caller's deadline (overload): no order, no work nobody waits for; a retry starts afresh.
            throw PlacementSaga.deadlineExceeded();
        }
        OrderStore.Created created = store.create(request, RequestFingerprint.of(request));
        if (!created.created()) {
            return awaitPlaced(created.view(), budget);
        }
        faults.reached(SagaPoint.ORDER_CREATED, created.view().id());
        PlacementSaga.Outcome outcome = saga.run(created.view(), budget);
        meters.counter("orders.placed", "state", outcome.view().state().name(),
                "reason", outcome.view().order().getRejection().getReason()).increment();
        if (outcome.failure() != null) {
            throw outcome.failure();
        }
        return outcome.view().order();
    }

    private Order awaitPlaced(SagaView order, Budget budget) {
        SagaView current = SagaPolling.until(order, o -> o.state() != OrderStatus.PENDING, store::load, budget,
                config.saga().duplicatePollInterval().toMillis());
        if (current.state() == OrderStatus.PENDING) {
            // The first call still runs: what it ends with is not known within this caller's deadline.
            throw PlacementSaga.deadlineExceeded();
        }
        return current.order();
    }

    public Order get(String name) {
        return store.findByName(idOf(name)).orElseThrow(() -> ServiceException.notFound(name)).order();
    }

    @Transactional
    public ListOrdersResponse list(ListOrdersRequest request) {
        List<OrderStatus> states = request.getStatesList().stream().map(OrderStatus::of).sorted().toList();
        List<String> query = List.of(request.getCustomerId(),
                String.join(",", states.stream().map(Enum::name).toList()));
        List<String> after = PageTokens.decode(request.getPageToken(), query, 2);
        Instant afterTime = null;
        UUID afterId = null;
        if (!after.isEmpty()) {
            try {
                afterTime = Instant.parse(after.get(0));
                afterId = UUID.fromString(after.get(1));
            } catch (RuntimeException e) {
                throw ServiceException.invalidField("page_token", "not a page token issued for this query");
            }
        }
        int size = PageTokens.pageSize(request.getPageSize());
        List<OrderEntity> rows = orders.page(request.getCustomerId(), states, afterTime, afterId, size + 1);
        ListOrdersResponse.Builder response = ListOrdersResponse.newBuilder();
        rows.stream().limit(size).forEach(o -> response.addOrders(OrderProtos.toProto(o)));
        if (rows.size() > size) {
            OrderEntity last = rows.get(size - 1);
            response.setNextPageToken(PageTokens.encode(query, List.of(last.createTime.toString(), last.id.toString())));
        }
        return response.build();
    }

    /**
     * Cancels an order; idempotent. The cancel is recorded with the order's saga step CANCELLING before inventory
     * releases the reservation, so a crash or an outage in between is finished by a retry or by recovery.
     */
    @WithSpan("orders.cancel")
    public Order cancel(CancelOrderRequest request) {
        String message = request.getReason().isEmpty() ? "cancelled" : "cancelled: " + request.getReason();
        SagaView order = run(request.getName(), request.getRequestId(), RequestFingerprint.of(request),
                OrderStore.Command.CANCEL, message);
        return switch (order.state()) {
            case CANCELLED, REJECTED -> order.order();
            case FULFILLED -> throw orderFulfilled(request.getName());
            case PENDING -> throw ServiceException.concurrentModification("the order is still being placed; retry");
            default -> throw ServiceException.concurrentModification(
                    "the order's saga runs (a backorder retry or its compensation); retry");
        };
    }

    /**
     * Fulfils a confirmed order by committing its reservation; idempotent. Recorded first (saga step FULFILLING), like
     * a cancel.
     */
    @WithSpan("orders.fulfil")
    public Order fulfil(FulfillOrderRequest request) {
        SagaView order = run(request.getName(), request.getRequestId(), RequestFingerprint.of(request),
                OrderStore.Command.FULFIL, "fulfilled");
        if (order.state() != OrderStatus.FULFILLED) {
            throw notConfirmed(request.getName());
        }
        return order.order();
    }

    /**
     * Starts the command (or finds its earlier call), then finishes whichever cancel or fulfil is pending on the
     * order: this one, or an earlier one whose caller died or gave up (every caller may finish it: its remote call is
     * idempotent and its last write conditional). Returns the order after it. When the pending command is the other
     * one and cannot be finished now, the caller hears ABORTED: its own command was not recorded.
     */
    private SagaView run(String name, String requestId, String fingerprint, OrderStore.Command command,
            String message) {
        Budget budget = Budget.ofIncomingCall(config.saga().maxBudget());
        if (budget.expired() || Context.current().isCancelled()) {
            throw OrderStore.commandDeadlineExceeded(); // queued past its caller's deadline: nothing is recorded
        }
        SagaView order = store.beginCommand(idOf(name), UUID.fromString(requestId), fingerprint, command, message,
                budget);
        for (OrderStore.Command pending = OrderStore.Command.pendingAt(order.step()); pending != null;
                pending = OrderStore.Command.pendingAt(order.step())) {
            PlacementSaga.Outcome outcome;
            try {
                outcome = saga.run(order, budget);
            } catch (ServiceException e) {
                if (e.code() != Status.Code.ABORTED) {
                    throw e;
                }
                order = store.load(order.id()); // another caller wrote the step's end first
                continue;
            }
            if (outcome.failure() != null) {
                throw pending == command ? outcome.failure()
                        : ServiceException.concurrentModification("a " + pending.label
                                + " of this order is pending and could not be finished now; retry");
            }
            order = outcome.view();
        }
        return order;
    }

    private static ServiceException orderFulfilled(String name) {
        return ServiceException.failedPrecondition(ErrorReasons.of(ErrorReason.ERROR_REASON_ORDER_FULFILLED),
                name + " is fulfilled and cannot be cancelled", List.of());
    }

    private static ServiceException notConfirmed(String name) {
        return ServiceException.failedPrecondition(ErrorReasons.of(ErrorReason.ERROR_REASON_ORDER_NOT_CONFIRMED),
                "only a confirmed order can be fulfilled: " + name, List.of());
    }

    private static UUID idOf(String name) {
        try {
            return UUID.fromString(name.substring("orders/".length()));
        } catch (IllegalArgumentException e) {
            throw ServiceException.notFound(name);
        }
    }
}
