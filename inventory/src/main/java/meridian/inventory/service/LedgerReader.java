package meridian.inventory.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import meridian.conventions.watch.LogPosition;
import meridian.inventory.persistence.LedgerEntry;
import meridian.inventory.persistence.LedgerRepository;

/** Ledger reads of the watch streams: single statements, outside any transaction. */
@ApplicationScoped
class LedgerReader {

    private final LedgerRepository ledger;

    LedgerReader(LedgerRepository ledger) {
        this.ledger = ledger;
    }

    List<LedgerEntry> after(LogPosition after, List<String> locationIds, List<String> skus, int limit) {
        return ledger.after(after, locationIds, skus, limit);
    }

    LogPosition head() {
        return ledger.head();
    }

    LogPosition purgedThrough() {
        return ledger.purgedThrough();
    }
}
