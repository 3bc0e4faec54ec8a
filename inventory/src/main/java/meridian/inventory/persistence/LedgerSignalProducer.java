package meridian.inventory.persistence;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import meridian.conventions.watch.CommitSignal;

/** The commit signal of the stock ledger: wakes this instance's watch streams after a commit. */
public class LedgerSignalProducer {

    @Produces
    @Singleton
    CommitSignal stockLedgerSignal() {
        return new CommitSignal();
    }
}
