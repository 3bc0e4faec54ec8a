package meridian.orders.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import io.grpc.Status;
import meridian.conventions.errors.ServiceException;
import meridian.orders.persistence.OrderCommandEntity;
import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderEventLog;
import meridian.orders.persistence.OrderLineEntity;
import meridian.orders.persistence.OrderRepository;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.Rejection;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;

/**
 * The local transactions of the order life cycle. Each one changes the order row (optimistic version
 * check) and, when the state changes, appends the event as its last statement.
 */
@ApplicationScoped
public class OrderStore {

    /** Signals order event appends after commit. */
    public record EventsAppended() {
    }

    public record Created(boolean created, SagaView view) {
    }

    private final OrderRepository orders;
    private final OrderEventLog events;
    private final Event<EventsAppended> appended;
    private final Clock clock;

    public OrderStore(OrderRepository orders, OrderEventLog events, Event<EventsAppended> appended, Clock clock) {
        this.orders = orders;
        this.events = events;
        this.appended = appended;
        this.clock = clock;
    }

    /** PostgreSQL keeps microseconds: instants are cut there so what we return equals what we read back. */
    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Creates the PENDING order of {@code request} unless its request_id exists. An existing order with
     * another payload is REQUEST_ID_REUSED.
     */
    @Transactional
    public Created create(PlaceOrderRequest request, String fingerprint) {
        UUID requestId = UUID.fromString(request.getRequestId());
        Instant now = now();
        UUID id = UUID.randomUUID();
        if (!orders.insertIfAbsent(id, requestId, fingerprint, request.getCustomerId(), request.getLocationId(),
                request.getCurrencyCode(), request.getAllowBackorder(), now)) {
            OrderEntity existing = orders.findByRequestId(requestId).orElseThrow();
            if (!existing.requestFingerprint.equals(fingerprint)) {
                throw ServiceException.requestIdReused(request.getRequestId());
            }
            return new Created(false, SagaView.of(existing));
        }
        OrderEntity order = orders.findById(id);
        order.lines.size(); // loads the (empty) collection before lines are added to it
        int lineNo = 0;
        for (OrderLineInput input : request.getLinesList()) {
            OrderLineEntity line = new OrderLineEntity();
            line.order = order;
            line.lineNo = lineNo++;
            line.sku = input.getSku();
            line.quantity = input.getQuantity();
            line.persist();
            order.lines.add(line);
        }
        appendEvent(order, null, "order placed");
        return new Created(true, SagaView.of(order));
    }

    @Transactional
    public SagaView load(UUID id) {
        return SagaView.of(find(id));
    }

    @Transactional
    public Optional<SagaView> findByName(UUID id) {
        return orders.findByIdOptional(id).map(SagaView::of);
    }

    /** Saves the binding quote's prices and moves the saga to RESERVING. */
    @Transactional
    public SagaView priced(UUID id, int attempt, Quote quote) {
        OrderEntity order = current(id, attempt, SagaStep.PRICING);
        Map<String, PricedLine> bySku = new HashMap<>();
        quote.getLinesList().forEach(l -> bySku.put(l.getSku(), l));
        for (OrderLineEntity line : order.lines) {
            PricedLine priced = bySku.get(line.sku);
            line.unitPrice = MoneyAmounts.of(priced.getUnitPrice());
            line.lineTotal = MoneyAmounts.of(priced.getLineTotal());
            line.promotion = priced.getPromotion();
        }
        order.total = MoneyAmounts.of(quote.getTotal());
        order.quoteName = quote.getName();
        order.quoteExpireTime = Instant.ofEpochSecond(quote.getExpireTime().getSeconds(),
                quote.getExpireTime().getNanos());
        order.sagaStep = SagaStep.RESERVING;
        order.sagaTime = now();
        return SagaView.of(order);
    }

    /**
     * Ends a saga step: the order gets {@code state} (an event when it changes), the saga {@code step},
     * the reservation and rejection given (null clears them).
     */
    @Transactional
    public SagaView transition(UUID id, int attempt, SagaStep expectedStep, OrderStatus state, SagaStep step,
            String reservation, Rejection rejection, String message) {
        OrderEntity order = current(id, attempt, expectedStep);
        OrderStatus from = order.state;
        order.state = state;
        order.sagaStep = step;
        order.reservationName = reservation;
        order.rejection = rejection == null ? null : rejection.toByteArray();
        Instant now = now();
        order.sagaTime = now;
        if (from != state) {
            order.updateTime = now;
            appendEvent(order, from, message);
        }
        return SagaView.of(order);
    }

    /** Backorder retry: the next attempt of the saga starts at pricing, if the order is still waiting for stock. */
    @Transactional
    public Optional<SagaView> retryBackorder(UUID id) {
        OrderEntity order = find(id);
        if (order.state != OrderStatus.BACKORDERED || order.sagaStep != SagaStep.DONE) {
            return Optional.empty();
        }
        order.attempt++;
        order.sagaStep = SagaStep.PRICING;
        order.sagaTime = now();
        return Optional.of(SagaView.of(order));
    }

    /** Recovery: claims stuck sagas (see {@link OrderRepository#claimStuck}). */
    @Transactional
    public List<UUID> claimStuck(Instant cutoff, int limit) {
        return orders.claimStuck(cutoff, now(), limit);
    }

    /**
     * Checks the idempotency key of a cancel or fulfil call: the order it named if it was used before
     * with the same payload, REQUEST_ID_REUSED with another one, empty when new.
     */
    @Transactional
    public Optional<SagaView> replayCommand(UUID requestId, String fingerprint) {
        OrderCommandEntity command = OrderCommandEntity.findById(requestId);
        if (command == null) {
            return Optional.empty();
        }
        if (!command.requestFingerprint.equals(fingerprint)) {
            throw ServiceException.requestIdReused(requestId.toString());
        }
        return Optional.of(SagaView.of(find(command.orderId)));
    }

    /**
     * Cancels or fulfils an order that is still in {@code expected} (else ABORTED: it changed meanwhile),
     * records the idempotency key, appends the event.
     */
    @Transactional
    public SagaView command(UUID id, UUID requestId, String fingerprint, OrderStatus expected, OrderStatus to,
            String message) {
        OrderEntity order = find(id);
        if (order.state != expected || order.sagaStep != SagaStep.DONE) {
            throw ServiceException.concurrentModification("the order changed meanwhile; retry the call");
        }
        OrderCommandEntity command = new OrderCommandEntity();
        command.requestId = requestId;
        command.requestFingerprint = fingerprint;
        command.orderId = id;
        command.createTime = now();
        command.persist();
        order.state = to;
        if (to == OrderStatus.CANCELLED) {
            order.reservationName = null;
        }
        order.updateTime = now();
        appendEvent(order, expected, message);
        return SagaView.of(order);
    }

    private OrderEntity find(UUID id) {
        OrderEntity order = orders.findById(id);
        if (order == null) {
            throw ServiceException.notFound("orders/" + id);
        }
        return order;
    }

    /** The order, if its saga is still at the attempt and step this caller works on (else another took over). */
    private OrderEntity current(UUID id, int attempt, SagaStep step) {
        OrderEntity order = find(id);
        if (order.attempt != attempt || order.sagaStep != step) {
            throw new ServiceException(Status.Code.ABORTED, "CONCURRENT_MODIFICATION",
                    "the order's saga was taken over; retry the call");
        }
        return order;
    }

    private void appendEvent(OrderEntity order, OrderStatus from, String message) {
        events.append(order.id, order.customerId, from, order.state, message,
                OrderProtos.toProto(order).toByteArray(), order.updateTime);
        appended.fire(new EventsAppended());
    }
}
