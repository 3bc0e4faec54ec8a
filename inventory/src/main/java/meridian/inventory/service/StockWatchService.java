package meridian.inventory.service;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import meridian.conventions.watch.ChangeLogTail;
import meridian.conventions.watch.CommitSignal;
import meridian.conventions.watch.Cursors;
import meridian.conventions.watch.LogPosition;
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.LedgerEntry;
import meridian.inventory.v1.StockChange;

/**
 * WatchStockLevels: the ledger from a cursor on, in ledger order (TransactionOrder). Entries are read a
 * batch at a time only when the client wants more, so a slow reader holds at most one batch here.
 */
@Startup // its gauges exist from boot
@ApplicationScoped
public class StockWatchService {

    private final LedgerReader reader;
    private final CommitSignal signal;
    private final InventoryConfig config;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final Counter entriesRead;

    StockWatchService(LedgerReader reader, CommitSignal signal, InventoryConfig config, MeterRegistry meters) {
        this.reader = reader;
        this.signal = signal;
        this.config = config;
        meters.gauge("inventory.watch.streams", openStreams);
        entriesRead = meters.counter("inventory.watch.entries.read");
    }

    /**
     * The position to stream after: the head for an empty cursor. Blocking; call before streaming so a
     * bad cursor fails the call: INVALID_CURSOR when malformed, CURSOR_EXPIRED when purged.
     */
    public LogPosition startAfter(String startCursor) {
        if (startCursor.isEmpty()) {
            return reader.head();
        }
        LogPosition position = ContractMessages.CURSORS.decodePosition(startCursor, "start_cursor");
        if (position.compareTo(reader.purgedThrough()) < 0) {
            throw Cursors.expired("resync with ListStockLevels and watch from its watch_cursor");
        }
        return position;
    }

    /** Changes after {@code after}, filtered by location and SKU (empty: all), until cancelled. */
    public Multi<StockChange> follow(LogPosition after, List<String> locationIds, List<String> skus) {
        ChangeLogTail<LedgerEntry> tail = ChangeLogTail.byPosition(
                (from, limit) -> counted(reader.after(from, locationIds, skus, limit)), LedgerEntry::position, signal,
                config.watch().batchSize(), config.watch().pollInterval());
        return tail.follow(after)
                .onSubscription().invoke(openStreams::incrementAndGet)
                .onTermination().invoke(openStreams::decrementAndGet)
                .map(ContractMessages::change);
    }

    private List<LedgerEntry> counted(List<LedgerEntry> entries) {
        entriesRead.increment(entries.size());
        return entries;
    }
}
