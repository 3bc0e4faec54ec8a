package meridian.orders.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.grpc.Status;
import io.quarkus.narayana.jta.QuarkusTransaction;
import meridian.conventions.errors.ServiceException;
import meridian.orders.client.Budget;
import meridian.orders.persistence.OrderCommandEntity;
import meridian.orders.persistence.OrderEntity;
import meridian.orders.persistence.OrderEventLog;
import meridian.orders.persistence.OrderRepository;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.OrderLine;
import meridian.orders.v1.OrderLineInput;
import meridian.orders.v1.PlaceOrderRequest;
import meridian.orders.v1.Rejection;
import meridian.pricing.v1.Quote;

/**
 * The local writes of the order life cycle. Each one changes the order row (saga steps: conditional on the step,
 * one statement each, atomic without a transaction around it; the start of a cancel or fulfil: under a row lock,
 * with its idempotency key) and, when the state changes, appends the event.
 */
@ApplicationScoped
public class OrderStore {

    /** Signals order event appends once their transaction ended. */
    public record EventsAppended() {
    }

    public record Created(boolean created, SagaView view) {
    }

    private final OrderRepository orders;
    private final Event<EventsAppended> appended;
    private final Clock clock;

    public OrderStore(OrderRepository orders, Event<EventsAppended> appended, Clock clock) {
        this.orders = orders;
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
    public Created create(PlaceOrderRequest request, String fingerprint) {
        UUID requestId = UUID.fromString(request.getRequestId());
        Instant now = now();
        UUID id = UUID.randomUUID();
        SagaView placed = SagaView.placed(id, request, now);
        if (orders.insertIfAbsent(id, requestId, fingerprint, request.getCustomerId(), request.getLocationId(),
                request.getCurrencyCode(), request.getAllowBackorder(),
                request.getLinesList().stream().map(OrderLineInput::getSku).toList(),
                request.getLinesList().stream().map(OrderLineInput::getQuantity).toList(),
                event(placed, null, "order placed", now), now)) {
            appended.fire(new EventsAppended());
            return new Created(true, placed);
        }
        SagaView existing = QuarkusTransaction.joiningExisting().call(() -> {
            OrderEntity order = orders.findByRequestId(requestId).orElseThrow();
            if (!order.requestFingerprint.equals(fingerprint)) {
                throw ServiceException.requestIdReused(request.getRequestId());
            }
            return SagaView.of(order);
        });
        return new Created(false, existing);
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
    public SagaView priced(SagaView order, Quote quote) {
        Instant expireTime = Instant.ofEpochSecond(quote.getExpireTime().getSeconds(), quote.getExpireTime().getNanos());
        SagaView priced = order.priced(quote, expireTime);
        List<OrderLine> lines = priced.order().getLinesList();
        if (!orders.savePrices(order.id(), order.attempt(), order.state(), MoneyAmounts.of(quote.getTotal()),
                quote.getName(), expireTime, now(), lines.stream().map(OrderLine::getSku).toList(),
                lines.stream().map(l -> MoneyAmounts.of(l.getUnitPrice())).toList(),
                lines.stream().map(l -> MoneyAmounts.of(l.getLineTotal())).toList(),
                lines.stream().map(OrderLine::getPromotion).toList())) {
            throw takenOver();
        }
        return priced;
    }

    /**
     * Ends the saga step {@code order} is at: the order gets {@code state} (an event when it changes), the
     * saga {@code step}, the reservation and rejection given (null clears them).
     */
    public SagaView transition(SagaView order, OrderStatus state, SagaStep step, String reservation,
            Rejection rejection, String message) {
        Instant now = now();
        SagaView changed = order.transitioned(state, step, reservation, rejection, now);
        boolean stateChanged = order.state() != state;
        if (!orders.transition(order.id(), order.attempt(), order.step(), order.state(), state, step, reservation,
                rejection == null ? null : rejection.toByteArray(),
                stateChanged ? event(changed, order.state(), message, now) : null, now)) {
            throw takenOver();
        }
        if (stateChanged) {
            appended.fire(new EventsAppended());
        }
        return changed;
    }

    /**
     * Backorder retry: the next attempt of the saga starts at pricing, if the order is still waiting for stock and no
     * other caller runs its saga (empty otherwise). The row lock makes a concurrent claimer wait and then see the
     * claimed order, instead of failing on its version.
     */
    @Transactional
    public Optional<SagaView> retryBackorder(UUID id) {
        OrderEntity order = findLocked(id);
        if (order.state != OrderStatus.BACKORDERED || order.sagaStep != SagaStep.DONE) {
            return Optional.empty();
        }
        order.attempt++;
        order.sagaStep = SagaStep.PRICING;
        order.sagaTime = now();
        return Optional.of(SagaView.of(order));
    }

    /**
     * Inventory let these reservations expire: a confirmed order that held one is not fulfilled within the hold
     * (orders.saga.reservation-ttl) and holds no stock any more, so it is cancelled, with an event. Returns them.
     */
    public List<SagaView> reservationsExpired(Collection<String> reservationNames) {
        List<SagaView> cancelled = new ArrayList<>();
        for (UUID id : orders.confirmedHolding(reservationNames)) {
            SagaView order = load(id);
            if (order.step() != SagaStep.DONE) {
                continue; // a cancel or fulfil started meanwhile: its own step learns of the expiry
            }
            try {
                cancelled.add(transition(order, OrderStatus.CANCELLED, SagaStep.DONE, null, null,
                        PlacementSaga.RESERVATION_EXPIRED));
            } catch (ServiceException e) {
                // fulfilled or cancelled meanwhile
            }
        }
        return cancelled;
    }

    /** Recovery: claims stuck sagas (see {@link OrderRepository#claimStuck}). */
    @Transactional
    public List<UUID> claimStuck(Instant cutoff, int limit) {
        return orders.claimStuck(cutoff, now(), limit);
    }

    /** A cancel or fulfil: the state it ends in, its saga step, and the states it starts from. */
    public enum Command {
        CANCEL("cancel", OrderStatus.CANCELLED, SagaStep.CANCELLING,
                Set.of(OrderStatus.CONFIRMED, OrderStatus.BACKORDERED)),
        FULFIL("fulfil", OrderStatus.FULFILLED, SagaStep.FULFILLING, Set.of(OrderStatus.CONFIRMED));

        final String label;
        final OrderStatus to;
        final SagaStep step;
        final Set<OrderStatus> from;

        Command(String label, OrderStatus to, SagaStep step, Set<OrderStatus> from) {
            this.label = label;
            this.to = to;
            this.step = step;
            this.from = from;
        }

        /** The command whose step {@code step} is; null for placement steps. */
        static Command pendingAt(SagaStep step) {
            for (Command command : values()) {
                if (command.step == step) {
                    return command;
                }
            }
            return null;
        }
    }

    /**
     * Starts a cancel or fulfil of order {@code id}. Under the order's row lock: an idempotency key the same command
     * used before with the same payload returns the order (REQUEST_ID_REUSED for another command or payload); an
     * order in one of the command's start states with nothing in flight gets the key recorded and the command's saga
     * step, with {@code message} for the event it ends with. Returns the order as it is then: a command step on it is
     * this command, or an earlier one whose caller has not finished it; the caller settles it and answers from the
     * state. Parallel calls with one request_id wait on the lock, then see the first one's key.
     */
    @Transactional
    public SagaView beginCommand(UUID id, UUID requestId, String fingerprint, Command command, String message,
            Budget budget) {
        OrderEntity order = findLocked(id);
        if (budget.expired()) {
            // The lock (or a connection) took the caller's deadline: record nothing (the exception rolls back).
            throw commandDeadlineExceeded();
        }
        OrderCommandEntity earlier = OrderCommandEntity.findById(requestId);
        if (earlier != null) {
            boolean sameOperation = earlier.operation.isEmpty() || earlier.operation.equals(command.to.name());
            if (!sameOperation || !earlier.requestFingerprint.equals(fingerprint) || !earlier.orderId.equals(id)) {
                throw ServiceException.requestIdReused(requestId.toString());
            }
            return SagaView.of(order);
        }
        if (!command.from.contains(order.state) || order.sagaStep != SagaStep.DONE) {
            return SagaView.of(order);
        }
        if (!orders.insertCommandKey(requestId, fingerprint, command.to.name(), id, now())) {
            // Taken meanwhile by a call on another order: calls on this order wait for its row lock instead.
            throw ServiceException.requestIdReused(requestId.toString());
        }
        order.sagaStep = command.step;
        order.sagaTime = now();
        order.commandMessage = message;
        return SagaView.of(order);
    }

    /** A cancel or fulfil whose caller's deadline passed before it was recorded: nothing changed. */
    static ServiceException commandDeadlineExceeded() {
        return PlacementSaga.deadlineExceeded("the call's deadline passed before the order could be changed");
    }

    private OrderEntity findLocked(UUID id) {
        return find(id, LockModeType.PESSIMISTIC_WRITE);
    }

    private OrderEntity find(UUID id) {
        return find(id, LockModeType.NONE);
    }

    private OrderEntity find(UUID id, LockModeType lock) {
        OrderEntity order = orders.findById(id, lock);
        if (order == null) {
            throw ServiceException.notFound("orders/" + id);
        }
        return order;
    }

    private static ServiceException takenOver() {
        return new ServiceException(Status.Code.ABORTED, "CONCURRENT_MODIFICATION",
                "the order's saga was taken over; retry the call");
    }

    private static OrderEventLog.NewEvent event(SagaView order, OrderStatus from, String message, Instant now) {
        return new OrderEventLog.NewEvent(order.id(), order.order().getCustomerId(), from, order.state(), message,
                order.order().toByteArray(), now);
    }
}
