package meridian.inventory.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import meridian.conventions.watch.LogPosition;
import meridian.inventory.persistence.LedgerEntry;
import meridian.inventory.persistence.LedgerRepository;
import meridian.inventory.persistence.LedgerRetentionRepository;

/**
 * Ledger reads of the watch streams: the batches and the head are single statements outside any transaction;
 * the retention mark, read once per stream opened, through its entity.
 */
@ApplicationScoped
class LedgerReader {

    private final LedgerRepository ledger;
    private final LedgerRetentionRepository marks;

    LedgerReader(LedgerRepository ledger, LedgerRetentionRepository marks) {
        this.ledger = ledger;
        this.marks = marks;
    }

    List<LedgerEntry> after(LogPosition after, List<String> locationIds, List<String> skus, int limit) {
        return ledger.after(after, locationIds, skus, limit);
    }

    LogPosition head() {
        return ledger.head();
    }

    @Transactional
    LogPosition purgedThrough() {
        return marks.purgedThrough();
    }
}
