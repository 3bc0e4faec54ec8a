package meridian.inventory.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import meridian.inventory.persistence.LedgerEntryEntity;
import meridian.inventory.persistence.LedgerRepository;

/** Ledger reads of the watch streams, each in its own short transaction. */
@ApplicationScoped
class LedgerReader {

    private final LedgerRepository ledger;
    private final Counter entriesRead;

    LedgerReader(LedgerRepository ledger, MeterRegistry meters) {
        this.ledger = ledger;
        this.entriesRead = meters.counter("inventory.watch.entries.read");
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<LedgerEntryEntity> after(long afterSequence, List<String> locationIds, List<String> skus, int limit) {
        List<LedgerEntryEntity> entries = LedgerEntryEntity.after(afterSequence, locationIds, skus, limit);
        entriesRead.increment(entries.size());
        return entries;
    }

    @Transactional
    long head() {
        return ledger.head();
    }

    @Transactional
    long purgedThrough() {
        return ledger.purgedThrough();
    }
}
