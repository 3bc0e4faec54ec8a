package meridian.inventory.persistence;

import java.io.Serializable;
import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A stock level as an entity, for the paged listing. Read-only: every write is an atomic conditional or
 * set-based statement of {@link StockLevelRepository}.
 */
@Entity
@Immutable
@Table(name = "stock_level")
public class StockLevelEntity extends PanacheEntityBase {

    @Embeddable
    public record Id(@Column(name = "location_id") String locationId, @Column(name = "sku") String sku)
            implements Serializable {
    }

    @EmbeddedId
    public Id id;

    @Column(name = "on_hand")
    public long onHand;

    public long reserved;

    /** Ledger sequence of the last change. */
    public long version;

    @Column(name = "update_time")
    public Instant updateTime;

    public StockLevelRow toRow() {
        return new StockLevelRow(new StockKey(id.locationId(), id.sku()), new StockValues(onHand, reserved), version,
                updateTime);
    }
}
