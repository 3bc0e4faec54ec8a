package meridian.inventory.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.google.rpc.PreconditionFailure;

import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.IdempotencyKeyRepository;
import meridian.inventory.persistence.LedgerKind;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.LedgerRow;
import meridian.inventory.persistence.ReservationRecord;
import meridian.inventory.persistence.ReservationRepository;
import meridian.inventory.persistence.ReservationRepository.Ended;
import meridian.inventory.persistence.ReservationRepository.Ending;
import meridian.inventory.persistence.ReservationState;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.persistence.StockLevelRepository;
import meridian.inventory.persistence.StockValues;
import meridian.inventory.v1.CommitReservationResponse;
import meridian.inventory.v1.ErrorReason;
import meridian.inventory.v1.ReleaseReservationResponse;
import meridian.inventory.v1.ReserveStockResponse;

/**
 * The transactions of the reservation life cycle. Each one claims its idempotency key, changes stock
 * with row locks in (location, SKU) order, and appends to the ledger last.
 */
@ApplicationScoped
class ReservationTransactions {

    static final String RESERVE = "ReserveStock";
    static final String COMMIT = "CommitReservation";
    static final String RELEASE = "ReleaseReservation";
    /** A commit ships the units; only before the reservation's expiry; a committed one answers unchanged. */
    private static final Ending COMMITTING = new Ending(COMMIT, ReservationState.COMMITTED, LedgerKind.COMMITTED, true,
            true, List.of(ReservationState.COMMITTED));
    /** A release gives the units back; an already released or expired one answers unchanged. */
    private static final Ending RELEASING = new Ending(RELEASE, ReservationState.RELEASED, LedgerKind.RELEASED, false,
            false, List.of(ReservationState.RELEASED, ReservationState.EXPIRED));

    private final IdempotencyKeyRepository keys;
    private final StockLevelRepository stock;
    private final ReservationRepository reservations;
    private final LedgerRepository ledger;
    private final InventoryConfig config;
    private final ServiceClock clock;

    ReservationTransactions(IdempotencyKeyRepository keys, StockLevelRepository stock,
            ReservationRepository reservations, LedgerRepository ledger, InventoryConfig config, ServiceClock clock) {
        this.keys = keys;
        this.stock = stock;
        this.reservations = reservations;
        this.ledger = ledger;
        this.config = config;
        this.clock = clock;
    }

    /**
     * One autocommit statement (ReservationRepository.reserve), no JTA or JDBC transaction: CPU per reservation
     * is what limits ReserveStock. Only a refusal or a duplicate reads the key afterwards.
     */
    ReserveStockResponse reserve(ReserveCommand command) {
        Instant now = clock.now();
        ReservationRecord reservation = new ReservationRecord(UUID.randomUUID(), command.requestId(),
                ReservationState.ACTIVE, now.plus(command.ttl().orElse(config.reservation().defaultTtl())), now, now,
                command.lines());
        ReserveStockResponse response = ReserveStockResponse.newBuilder()
                .setReservation(ContractMessages.reservation(reservation)).build();
        ReservationRepository.Reserved outcome = reservations.reserve(reservation, RESERVE, command.fingerprint(),
                response.toByteArray());
        if (outcome.reserved()) {
            return response;
        }
        // Refused or a duplicate: an earlier call that reserved under this request_id has committed its key.
        Optional<IdempotencyKeyRepository.StoredRequest> earlier = keys.find(command.requestId());
        if (earlier.isPresent()) {
            return IdempotentReplay.replay(earlier.get(), command.requestId(), RESERVE, command.fingerprint(),
                    ReserveStockResponse.parser());
        }
        List<String> missing = new ArrayList<>();
        List<PreconditionFailure.Violation> shortages = new ArrayList<>();
        // Every line is checked, in lock order, so every short stock level is named.
        for (int i : linesInLockOrder(command.lines())) {
            ReservationRecord.Line line = command.lines().get(i);
            Long available = outcome.available().get(i);
            String name = ContractMessages.stockLevelName(line.key());
            if (available == null) {
                missing.add(name);
            } else if (available < line.quantity()) {
                shortages.add(ServiceException.preconditionViolation("STOCK", name,
                        "requested " + line.quantity() + ", available " + available));
            }
        }
        if (!missing.isEmpty()) {
            throw ServiceException.notFound(missing.get(0)).withMetadata("missing", String.join(",", missing));
        }
        if (shortages.isEmpty()) {
            throw new IllegalStateException("reservation " + command.requestId() + " neither made nor refused");
        }
        throw ServiceException.failedPrecondition(ErrorReasons.of(ErrorReason.ERROR_REASON_INSUFFICIENT_STOCK),
                "not enough stock for " + shortages.size() + " of " + command.lines().size() + " lines", shortages);
    }

    private static List<Integer> linesInLockOrder(List<ReservationRecord.Line> lines) {
        return IntStream.range(0, lines.size()).boxed().sorted(Comparator.comparing(i -> lines.get(i).key())).toList();
    }

    CommitReservationResponse commit(UUID id, UUID requestId, String fingerprint) {
        ReservationRecord committed = end(id, COMMITTING, requestId, fingerprint, r -> r.state() == ReservationState.RELEASED
                ? notCommittable(r, ErrorReason.ERROR_REASON_RESERVATION_RELEASED, "was released")
                : notCommittable(r, ErrorReason.ERROR_REASON_RESERVATION_EXPIRED, "expired"));
        return CommitReservationResponse.newBuilder().setReservation(ContractMessages.reservation(committed)).build();
    }

    ReleaseReservationResponse release(UUID id, UUID requestId, String fingerprint) {
        ReservationRecord released = end(id, RELEASING, requestId, fingerprint, r -> notCommittable(r,
                ErrorReason.ERROR_REASON_RESERVATION_COMMITTED, "was committed and cannot be released"));
        return ReleaseReservationResponse.newBuilder().setReservation(ContractMessages.reservation(released)).build();
    }

    /**
     * Commit or release in one statement (ReservationRepository.end), no JTA transaction. Returns the reservation
     * as ended: the first answer and every replay of its request_id alike.
     */
    private ReservationRecord end(UUID id, Ending ending, UUID requestId, String fingerprint,
            Function<ReservationRecord, ServiceException> refusal) {
        Instant now = clock.now();
        Ended ended = reservations.end(id, ending, requestId, fingerprint, now)
                .orElseThrow(() -> ServiceException.notFound(ContractMessages.reservationName(id)));
        ReservationRecord reservation = ended.reservation();
        if (!ended.proceeds()) {
            throw refusal.apply(reservation);
        }
        if (!ended.claimed()) {
            IdempotentReplay.check(keys.stored(requestId), requestId, ending.operation(), fingerprint);
        }
        return ended.changed() ? reservation.withState(ending.to(), now) : reservation;
    }

    /** Expires one batch of overdue reservations; returns how many. */
    @Transactional
    int expireDue(int limit) {
        Instant now = clock.now();
        List<ReservationRecord> due = reservations.expireDue(now, limit);
        if (!due.isEmpty()) {
            moveStock(due, LedgerKind.EXPIRED, null, now);
        }
        return due.size();
    }

    /**
     * Gives back (or, on commit, ships) the stock of ended reservations: the ledger append records it and sets
     * the locked stock levels to the values after it.
     */
    private void moveStock(List<ReservationRecord> ended, LedgerKind kind, UUID requestId, Instant now) {
        TreeSet<StockKey> keysInOrder = new TreeSet<>();
        ended.forEach(r -> r.lines().forEach(l -> keysInOrder.add(l.key())));
        Map<StockKey, StockValues> values = new LinkedHashMap<>(stock.lockInOrder(keysInOrder));
        List<LedgerRow> entries = new ArrayList<>();
        for (ReservationRecord r : ended) {
            for (ReservationRecord.Line line : r.lines()) {
                long onHandDelta = kind == LedgerKind.COMMITTED ? -line.quantity() : 0;
                StockValues after = values.get(line.key()).plus(onHandDelta, -line.quantity());
                values.put(line.key(), after);
                entries.add(new LedgerRow(kind, line.key(), onHandDelta, -line.quantity(), after, r.id(),
                        requestId, null, null));
            }
        }
        ledger.append(entries, now);
    }

    private static ServiceException notCommittable(ReservationRecord r, ErrorReason reason, String what) {
        String name = ContractMessages.reservationName(r.id());
        return ServiceException.failedPrecondition(ErrorReasons.of(reason), name + " " + what,
                List.of(ServiceException.preconditionViolation("STATE", name, "state is " + r.state().name())));
    }
}
