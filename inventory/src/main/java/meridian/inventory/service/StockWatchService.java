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
import meridian.inventory.config.InventoryConfig;
import meridian.inventory.persistence.LedgerEntryEntity;
import meridian.inventory.v1.StockChange;

/**
 * WatchStockLevels: the ledger from a cursor on, in sequence (= commit) order. Entries are read a
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
     * The sequence to stream after: the head for an empty cursor. Blocking; call before streaming so a
     * bad cursor fails the call: INVALID_CURSOR when malformed, CURSOR_EXPIRED when purged.
     */
    public long startAfter(String startCursor) {
        if (startCursor.isEmpty()) {
            return reader.head();
        }
        long sequence = ContractMessages.CURSORS.decode(startCursor, "start_cursor");
        if (sequence < reader.purgedThrough()) {
            throw Cursors.expired("resync with ListStockLevels and watch from its watch_cursor");
        }
        return sequence;
    }

    /** Changes after {@code afterSequence}, filtered by location and SKU (empty: all), until cancelled. */
    public Multi<StockChange> follow(long afterSequence, List<String> locationIds, List<String> skus) {
        ChangeLogTail<LedgerEntryEntity> tail = new ChangeLogTail<>(
                (after, limit) -> counted(reader.after(after, locationIds, skus, limit)), e -> e.seq, signal,
                config.watch().batchSize(), config.watch().pollInterval());
        return tail.follow(afterSequence)
                .onSubscription().invoke(openStreams::incrementAndGet)
                .onTermination().invoke(openStreams::decrementAndGet)
                .map(ContractMessages::change);
    }

    private List<LedgerEntryEntity> counted(List<LedgerEntryEntity> entries) {
        entriesRead.increment(entries.size());
        return entries;
    }
}
