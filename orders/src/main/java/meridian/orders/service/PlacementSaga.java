package meridian.orders.service;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import meridian.conventions.errors.ErrorDetails;
import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReservationState;
import meridian.orders.client.Budget;
import meridian.orders.client.DownstreamCalls;
import meridian.orders.client.InventoryClient;
import meridian.orders.client.PricingClient;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.persistence.SagaStep;
import meridian.orders.v1.ErrorReason;
import meridian.orders.v1.RejectedSku;
import meridian.orders.v1.Rejection;
import meridian.pricing.v1.PricedLine;
import meridian.pricing.v1.Quote;
import meridian.pricing.v1.QuoteLineInput;
import meridian.inventory.v1.Reservation;

/**
 * The placement saga: price (binding quote), reserve, confirm; and the steps of a cancel (release) and a fulfil
 * (commit). It runs from the step persisted on the order, so the same code places an order, retries a backorder,
 * cancels or fulfils it, and finishes whatever a crash or an outage interrupted.
 * Remote request_ids derive from the order id, the attempt and the step: a retried or recovered step
 * never reserves or quotes twice. Whatever happens after a reservation may exist ends in its release
 * (step COMPENSATING, retried by recovery until inventory answers) or in the order's confirmation.
 */
@ApplicationScoped
public class PlacementSaga {

    private static final Logger LOG = Logger.getLogger(PlacementSaga.class);
    private static final Pattern REQUESTED = Pattern.compile("requested\\D*(\\d+)");
    private static final Pattern AVAILABLE = Pattern.compile("available\\D*(\\d+)");
    private static final String STOCK_LEVEL_PREFIX = "locations/";
    /** The event of a confirmed order whose reservation inventory let expire before it was fulfilled. */
    static final String RESERVATION_EXPIRED = "cancelled: the reservation expired before fulfilment";

    /** How a saga run ended: the order, and the failure to report to the caller, if any. */
    public record Outcome(SagaView view, ServiceException failure) {
        /** Whether the order still waits for stock after this run. */
        public boolean stillBackordered() {
            return view.state() == OrderStatus.BACKORDERED;
        }
    }

    private final OrderStore store;
    private final PricingClient pricing;
    private final InventoryClient inventory;
    private final SagaFaultHook faults;
    private final OrdersConfig config;

    public PlacementSaga(OrderStore store, PricingClient pricing, InventoryClient inventory, SagaFaultHook faults,
            OrdersConfig config) {
        this.store = store;
        this.pricing = pricing;
        this.inventory = inventory;
        this.faults = faults;
        this.config = config;
    }

    /** Runs the saga of order {@code id} from its persisted step until nothing is left in flight (or a crash). */
    public Outcome run(UUID id, Budget budget) {
        return run(store.load(id), budget);
    }

    /** Runs the saga of an order just read in its own committed transaction. */
    @WithSpan("orders.saga")
    public Outcome run(SagaView order, Budget budget) {
        // Resumed at RESERVING, an earlier run may have reserved already: giving up then needs a release.
        boolean resumedAtReserve = order.step() == SagaStep.RESERVING;
        ServiceException failure = null;
        while (order.step() != SagaStep.DONE) {
            Step next = switch (order.step()) {
                case PRICING -> price(order, budget);
                case RESERVING -> reserve(order, budget, resumedAtReserve);
                case COMPENSATING -> compensate(order);
                case CANCELLING -> cancel(order, budget);
                case FULFILLING -> fulfil(order, budget);
                case DONE -> new Step(order, null);
            };
            if (next.failure() != null) {
                failure = next.failure();
            }
            if (next.view().step() == order.step()) {
                break; // inventory unreachable: a retried call or recovery finishes the step later
            }
            order = next.view();
        }
        return new Outcome(order, failure);
    }

    private record Step(SagaView view, ServiceException failure) {
    }

    private Step price(SagaView order, Budget budget) {
        if (budget.expired()) {
            return abandon(order, deadlineExceeded());
        }
        Quote quote;
        try {
            quote = pricing.quote(requestId(order, "quote"), order.currencyCode(),
                    order.lines().stream().map(l -> QuoteLineInput.newBuilder().setSku(l.sku())
                            .setQuantity(l.quantity()).build()).toList(),
                    budget);
        } catch (StatusRuntimeException e) {
            return abandon(order, downstreamFailure("pricing", e, budget));
        }
        List<PricedLine> failed = quote.getLinesList().stream().filter(PricedLine::hasError).toList();
        if (!failed.isEmpty() || quote.getName().isEmpty()) {
            Rejection.Builder rejection = rejection(ErrorReason.ERROR_REASON_UNKNOWN_SKU,
                    "no price in " + order.currencyCode() + " for some SKUs");
            failed.forEach(l -> rejection.addSkus(RejectedSku.newBuilder().setSku(l.getSku())
                    .setRequested(l.getQuantity())));
            return new Step(store.transition(order, OrderStatus.REJECTED,
                    SagaStep.DONE, null, rejection.build(), "rejected: unknown SKU"), null);
        }
        SagaView priced = store.priced(order, quote);
        faults.reached(SagaPoint.QUOTE_SAVED, order.id());
        return new Step(priced, null);
    }

    private Step reserve(SagaView order, Budget budget, boolean resumed) {
        SagaStep afterGivingUp = resumed ? SagaStep.COMPENSATING : SagaStep.DONE;
        if (quoteExpired(order)) {
            return new Step(store.transition(order, OrderStatus.REJECTED,
                    afterGivingUp, null, quoteExpiredRejection(), "rejected: quote expired"), null);
        }
        if (budget.expired()) {
            ServiceException failure = deadlineExceeded();
            return new Step(store.transition(order, failedState(order),
                    afterGivingUp, null, failedRejection(order, failure), "rejected: " + failure.reason()), failure);
        }
        Reservation reservation;
        try {
            reservation = inventory.reserve(requestId(order, "reserve"), reservationLines(order),
                    config.saga().reservationTtl(), budget);
        } catch (StatusRuntimeException e) {
            if (isShortage(e)) {
                return shortage(order, e);
            }
            // The reservation may exist: record the outcome, then release whatever was reserved.
            ServiceException failure = downstreamFailure("inventory", e, budget);
            return new Step(store.transition(order, failedState(order), SagaStep.COMPENSATING, null,
                    failedRejection(order, failure), "rejected: " + failure.reason()), failure);
        }
        faults.reached(SagaPoint.STOCK_RESERVED, order.id());
        if (reservation.getState() != ReservationState.RESERVATION_STATE_ACTIVE) {
            // Only a lapsed reservation (recovery after its TTL) is not active: nothing is held.
            return new Step(store.transition(order, failedState(order),
                    SagaStep.DONE, null, failedRejection(order, deadlineExceeded()), "rejected: reservation lapsed"),
                    null);
        }
        if (quoteExpired(order)) {
            return new Step(store.transition(order, OrderStatus.REJECTED,
                    SagaStep.COMPENSATING, reservation.getName(), quoteExpiredRejection(), "rejected: quote expired"),
                    null);
        }
        return new Step(store.transition(order, OrderStatus.CONFIRMED,
                SagaStep.DONE, reservation.getName(), null, "confirmed"), null);
    }

    /**
     * Releases what the order's reservation step may have reserved. Without a reservation name, the
     * same idempotent ReserveStock tells which reservation that step made (reserving it now if the first
     * call never arrived), so it can be released: nothing is left held either way.
     */
    private Step compensate(SagaView order) {
        Budget budget = Budget.of(config.saga().compensationBudget());
        try {
            String reservation = order.reservationName();
            if (reservation == null) {
                try {
                    reservation = inventory.reserve(requestId(order, "reserve"), reservationLines(order),
                            config.saga().reservationTtl(), budget).getName();
                } catch (StatusRuntimeException e) {
                    if (!isShortage(e)) {
                        throw e;
                    }
                }
            }
            if (reservation != null) {
                release(reservation, requestId(order, "release"), budget);
            }
        } catch (StatusRuntimeException e) {
            LOG.warnf("order %s: release failed (%s), recovery retries it", order.id(), e.getStatus().getCode());
            return new Step(order, null);
        }
        return new Step(store.transition(order, order.state(),
                SagaStep.DONE, null, order.order().hasRejection() ? order.order().getRejection() : null,
                "reservation released"), null);
    }

    /**
     * A cancel accepted (step CANCELLING): releases the reservation, then the order is CANCELLED. Releasing a released
     * or expired reservation succeeds, an unknown one holds nothing; a committed one means the order left the
     * warehouse, so it is FULFILLED. While inventory cannot be reached the step stays for a retry or recovery.
     */
    private Step cancel(SagaView order, Budget budget) {
        if (order.reservationName() != null) {
            try {
                release(order.reservationName(), requestId(order, "release"), budget);
            } catch (StatusRuntimeException e) {
                if (ErrorDetails.hasReason(e, "RESERVATION_COMMITTED")) {
                    return new Step(store.transition(order, OrderStatus.FULFILLED, SagaStep.DONE,
                            order.reservationName(), null, "fulfilled"), null);
                }
                return new Step(order, commandFailure(order, e, "the cancellation", budget));
            }
            faults.reached(SagaPoint.RESERVATION_RELEASED, order.id());
        }
        return new Step(store.transition(order, OrderStatus.CANCELLED, SagaStep.DONE, null, null,
                order.commandMessage() == null ? "cancelled" : order.commandMessage()), null);
    }

    /**
     * A fulfil accepted (step FULFILLING): commits the reservation, then the order is FULFILLED. A reservation that
     * expired (or was released in inventory directly) holds nothing any more: the order is CANCELLED, as the stock
     * stream would have cancelled it. While inventory cannot be reached the step stays for a retry or recovery.
     */
    private Step fulfil(SagaView order, Budget budget) {
        try {
            inventory.commit(order.reservationName(), requestId(order, "commit"), budget);
        } catch (StatusRuntimeException e) {
            if (ErrorDetails.hasReason(e, "RESERVATION_EXPIRED")) {
                return new Step(store.transition(order, OrderStatus.CANCELLED, SagaStep.DONE, null, null,
                        RESERVATION_EXPIRED), null);
            }
            if (ErrorDetails.hasReason(e, "RESERVATION_RELEASED") || e.getStatus().getCode() == Status.Code.NOT_FOUND) {
                return new Step(store.transition(order, OrderStatus.CANCELLED, SagaStep.DONE, null, null,
                        "cancelled: inventory no longer held the reservation at fulfilment"), null);
            }
            return new Step(order, commandFailure(order, e, "the fulfilment", budget));
        }
        faults.reached(SagaPoint.RESERVATION_COMMITTED, order.id());
        return new Step(store.transition(order, OrderStatus.FULFILLED, SagaStep.DONE, order.reservationName(), null,
                order.commandMessage() == null ? "fulfilled" : order.commandMessage()), null);
    }

    /** Releases a reservation; an unknown one holds nothing, which is all a release wants. */
    private void release(String reservation, String requestId, Budget budget) {
        try {
            inventory.release(reservation, requestId, budget);
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** Inventory did not answer a cancel or fulfil: the command stays accepted, the caller learns it is not done. */
    private static ServiceException commandFailure(SagaView order, StatusRuntimeException e, String command,
            Budget budget) {
        if (budget.expired()) {
            return deadlineExceeded("the call's deadline passed; " + command + " is recorded and finishes later (retry"
                    + " with the same request_id to learn the outcome)");
        }
        if (!DownstreamCalls.isTransient(e)) {
            LOG.errorf("order %s: unexpected inventory answer %s, recovery retries %s", order.id(), e.getStatus(),
                    command);
            return new ServiceException(Status.Code.INTERNAL, ErrorReasons.of(ErrorReason.ERROR_REASON_INTERNAL),
                    "internal error");
        }
        return new ServiceException(Status.Code.UNAVAILABLE,
                ErrorReasons.of(ErrorReason.ERROR_REASON_DEPENDENCY_UNAVAILABLE),
                "inventory could not be reached; " + command + " is recorded and finishes when it answers (retry with"
                        + " the same request_id to learn the outcome)").withMetadata("service", "inventory");
    }

    /** Stock short: a backorder when the caller allows it, else a rejection naming each short SKU. */
    private Step shortage(SagaView order, StatusRuntimeException e) {
        if (order.allowBackorder()) {
            return new Step(store.transition(order, OrderStatus.BACKORDERED, SagaStep.DONE, null, null,
                    "backordered: stock short"), null);
        }
        Rejection.Builder rejection = rejection(ErrorReason.ERROR_REASON_OUT_OF_STOCK, "not enough stock at "
                + order.locationId());
        PreconditionFailure failure = ErrorDetails.of(e).preconditionFailure().orElse(null);
        if (failure != null && !failure.getViolationsList().isEmpty()) {
            for (PreconditionFailure.Violation v : failure.getViolationsList()) {
                String subject = v.getSubject();
                String sku = subject.substring(subject.lastIndexOf('/') + 1);
                rejection.addSkus(RejectedSku.newBuilder().setSku(sku)
                        .setRequested(number(REQUESTED, v.getDescription(), quantityOf(order, sku)))
                        .setAvailable(number(AVAILABLE, v.getDescription(), 0)));
            }
        } else {
            // NOT_FOUND: stock was never recorded there; inventory names the stock levels ("missing", else
            // "resource"), every line is named when it does not.
            Map<String, String> metadata = ErrorDetails.of(e).errorInfo().map(ErrorInfo::getMetadataMap)
                    .orElse(Map.of());
            Set<String> missing = Set.of(metadata.getOrDefault("missing", metadata.getOrDefault("resource", ""))
                    .split(","));
            List<SagaView.Line> named = order.lines().stream()
                    .filter(l -> missing.contains(STOCK_LEVEL_PREFIX + order.locationId() + "/stockLevels/" + l.sku()))
                    .toList();
            (named.isEmpty() ? order.lines() : named).forEach(l -> rejection.addSkus(RejectedSku.newBuilder()
                    .setSku(l.sku()).setRequested(l.quantity()).setAvailable(0)));
        }
        return new Step(store.transition(order, OrderStatus.REJECTED,
                SagaStep.DONE, null, rejection.build(), "rejected: out of stock"), null);
    }

    /** Nothing is reserved yet: the order ends rejected (a backorder keeps waiting) and the caller hears why. */
    private Step abandon(SagaView order, ServiceException failure) {
        return new Step(store.transition(order, failedState(order),
                SagaStep.DONE, null, failedRejection(order, failure), "rejected: " + failure.reason()), failure);
    }

    /** A backorder retry that fails stays backordered; a placement is rejected. */
    private static OrderStatus failedState(SagaView order) {
        return order.state() == OrderStatus.BACKORDERED ? OrderStatus.BACKORDERED : OrderStatus.REJECTED;
    }

    private static Rejection failedRejection(SagaView order, ServiceException failure) {
        return order.state() == OrderStatus.BACKORDERED ? null
                : Rejection.newBuilder().setReason(failure.reason()).setMessage(failure.getMessage()).build();
    }

    private ServiceException downstreamFailure(String service, StatusRuntimeException e, Budget budget) {
        if (budget.expired()) {
            return deadlineExceeded();
        }
        if (DownstreamCalls.isTransient(e)) {
            return new ServiceException(Status.Code.UNAVAILABLE, ErrorReasons.of(ErrorReason.ERROR_REASON_DEPENDENCY_UNAVAILABLE),
                    service + " could not be reached; nothing stays reserved, retry later")
                    .withMetadata("service", service);
        }
        LOG.errorf("order saga: unexpected %s answer %s", service, e.getStatus());
        return new ServiceException(Status.Code.INTERNAL, ErrorReasons.of(ErrorReason.ERROR_REASON_INTERNAL),
                "internal error");
    }

    static ServiceException deadlineExceeded() {
        return deadlineExceeded("the order could not be placed within the call's deadline");
    }

    /** DEADLINE_EXCEEDED with this service's reason, saying what the spent deadline left undone. */
    static ServiceException deadlineExceeded(String message) {
        return new ServiceException(Status.Code.DEADLINE_EXCEEDED,
                ErrorReasons.of(ErrorReason.ERROR_REASON_DEADLINE_EXCEEDED), message);
    }

    private static boolean isShortage(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        return code == Status.Code.NOT_FOUND
                || (code == Status.Code.FAILED_PRECONDITION && ErrorDetails.hasReason(e, "INSUFFICIENT_STOCK"));
    }

    private boolean quoteExpired(SagaView order) {
        return order.quoteExpireTime() != null && !store.now().isBefore(order.quoteExpireTime());
    }

    private static Rejection quoteExpiredRejection() {
        return rejection(ErrorReason.ERROR_REASON_QUOTE_EXPIRED, "the quote expired before the stock was reserved")
                .build();
    }

    private static Rejection.Builder rejection(ErrorReason reason, String message) {
        return Rejection.newBuilder().setReason(ErrorReasons.of(reason)).setMessage(message);
    }

    private static List<ReservationLine> reservationLines(SagaView order) {
        return order.lines().stream().map(l -> ReservationLine.newBuilder().setSku(l.sku())
                .setLocationId(order.locationId()).setQuantity(l.quantity()).build()).toList();
    }

    /** The request_id of a remote step: the same for every retry and recovery of this attempt. */
    static String requestId(SagaView order, String step) {
        return UUID.nameUUIDFromBytes((order.id() + "/" + order.attempt() + "/" + step)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static long quantityOf(SagaView order, String sku) {
        return order.lines().stream().filter(l -> l.sku().equals(sku)).mapToLong(SagaView.Line::quantity)
                .findFirst().orElse(0);
    }

    private static long number(Pattern pattern, String text, long fallback) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : fallback;
    }
}
