package meridian.inventory.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.ColumnTransformer;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

import meridian.conventions.watch.LogPosition;

/** The single row of retention bookkeeping: the ledger was purged through this position. */
@Entity
@Table(name = "stock_ledger_retention")
public class LedgerRetentionEntity extends PanacheEntityBase {

    /** The table holds one row, keyed true. */
    @Id
    public boolean id;

    /** xid8 in the database, which has no JDBC type: moved as text. */
    @Column(name = "purged_through_tx")
    @ColumnTransformer(read = "cast(purged_through_tx as text)", write = "cast(? as xid8)")
    public String purgedThroughTx;

    @Column(name = "purged_through")
    public long purgedThrough;

    public LogPosition position() {
        return new LogPosition(Long.parseLong(purgedThroughTx), purgedThrough);
    }

    /** Moves the mark forward to {@code last}; never back (a purge bounded by an earlier position may run after a later one). */
    public void advanceTo(LogPosition last) {
        if (last.compareTo(position()) > 0) {
            purgedThroughTx = Long.toString(last.tx());
            purgedThrough = last.seq();
        }
    }
}
