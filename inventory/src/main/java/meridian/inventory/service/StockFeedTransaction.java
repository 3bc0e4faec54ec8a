package meridian.inventory.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;


import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.watch.LogPosition;
import meridian.inventory.persistence.IdempotencyKeyRepository;
import meridian.inventory.persistence.IdempotencyKeyRepository.StoredRequest;
import meridian.inventory.persistence.LedgerKind;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.LedgerRow;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.persistence.StockLevelRepository;
import meridian.inventory.persistence.StockValues;
import meridian.inventory.v1.AdjustStockResponse;
import meridian.inventory.v1.ErrorReason;
import meridian.inventory.v1.RejectedAdjustment;

/**
 * The transaction of a warehouse feed (AdjustStock). Lines are evaluated in feed order against running totals; a line
 * that would take on hand below zero or below what is reserved is rejected and the others go on.
 * All accepted lines are applied in one transaction with set-based statements (one statement per
 * table, however many lines).
 */
@ApplicationScoped
class StockFeedTransaction {

    static final String ADJUST = "AdjustStock";

    private final IdempotencyKeyRepository keys;
    private final StockLevelRepository stock;
    private final LedgerRepository ledger;
    private final ServiceClock clock;

    StockFeedTransaction(IdempotencyKeyRepository keys, StockLevelRepository stock, LedgerRepository ledger,
            ServiceClock clock) {
        this.keys = keys;
        this.stock = stock;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Transactional
    AdjustStockResponse apply(StockFeed feed) {
        Instant now = clock.now();
        UUID requestId = feed.requestId();
        String fingerprint = feed.fingerprint();
        Optional<StoredRequest> stored = keys.claim(requestId, ADJUST, fingerprint, null, now);
        if (stored.isPresent()) {
            return IdempotentReplay.replay(stored.get(), requestId, ADJUST, fingerprint, AdjustStockResponse.parser());
        }
        TreeSet<StockKey> touched = new TreeSet<>();
        TreeSet<StockKey> received = new TreeSet<>();
        for (StockFeed.Line line : feed.lines()) {
            touched.add(line.key());
            if (line.delta() > 0) {
                received.add(line.key());
            }
        }
        // A first receipt creates the stock level; then every touched row is locked in key order.
        stock.createMissing(List.copyOf(received), now);
        Map<StockKey, StockValues> running = new HashMap<>(stock.lockInOrder(touched));
        Map<StockKey, StockValues> changed = new TreeMap<>();
        List<LedgerRow> entries = new ArrayList<>();
        List<RejectedAdjustment> rejections = new ArrayList<>(feed.rejections());
        for (StockFeed.Line line : feed.lines()) {
            StockValues before = running.get(line.key());
            StockValues after = before == null ? null : before.plus(line.delta(), 0);
            if (after == null || after.onHand() < 0 || after.onHand() < after.reserved()) {
                rejections.add(insufficient(line, before));
                continue;
            }
            running.put(line.key(), after);
            changed.put(line.key(), after);
            entries.add(new LedgerRow(LedgerKind.ADJUSTED, line.key(), line.delta(), 0, after, null, requestId,
                    line.reason(), line.note()));
        }
        rejections.sort(Comparator.comparingLong(RejectedAdjustment::getIndex));
        LogPosition cursor;
        if (entries.isEmpty()) {
            cursor = ledger.head();
        } else {
            stock.update(changed, now);
            cursor = ledger.append(entries, now);
        }
        AdjustStockResponse response = AdjustStockResponse.newBuilder()
                .setReceivedCount(feed.received())
                .setAppliedCount(entries.size())
                .addAllRejections(rejections)
                .setCursor(ContractMessages.CURSORS.encode(cursor))
                .build();
        // The summary holds the ledger cursor, so it is stored after the append (still before commit).
        keys.storeResponse(requestId, response.toByteArray());
        return response;
    }

    private static RejectedAdjustment insufficient(StockFeed.Line line, StockValues before) {
        String message = before == null
                ? "no stock recorded for " + ContractMessages.stockLevelName(line.key()) + "; cannot remove "
                        + -line.delta()
                : "delta " + line.delta() + " would leave on hand " + (before.onHand() + line.delta())
                        + " with " + before.reserved() + " reserved";
        return RejectedAdjustment.newBuilder().setIndex(line.index())
                .setReason(ErrorReasons.of(ErrorReason.ERROR_REASON_INSUFFICIENT_STOCK))
                .setMessage(message).setField("delta").build();
    }
}
