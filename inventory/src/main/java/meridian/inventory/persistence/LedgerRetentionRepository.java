package meridian.inventory.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import meridian.conventions.watch.LogPosition;

/** Retention bookkeeping of the stock ledger (one row). Call inside a transaction. */
@ApplicationScoped
public class LedgerRetentionRepository implements PanacheRepositoryBase<LedgerRetentionEntity, Boolean> {

    /** Entries up to this position were purged by retention: a cursor below it cannot resume. */
    public LogPosition purgedThrough() {
        return findById(true).position();
    }

    /** The mark, locked until the end of the transaction: purges (of any replica) take turns. */
    public LedgerRetentionEntity lock() {
        return findById(true, LockModeType.PESSIMISTIC_WRITE);
    }
}
