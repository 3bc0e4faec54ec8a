package meridian.inventory.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import meridian.inventory.persistence.LedgerEntryEntity;
import meridian.inventory.persistence.LedgerRepository;

/** Ledger reads of the watch streams, each in its own short transaction. */
@ApplicationScoped
class LedgerReader {

    private final LedgerRepository ledger;

    LedgerReader(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<LedgerEntryEntity> after(long afterSequence, List<String> locationIds, List<String> skus, int limit) {
        return LedgerEntryEntity.after(afterSequence, locationIds, skus, limit);
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
