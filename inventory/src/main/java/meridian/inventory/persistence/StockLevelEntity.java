package meridian.inventory.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A stock level as read (writes go through {@link StockLevelRepository}'s conditional updates). */
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

    public long version;

    @Column(name = "update_time")
    public Instant updateTime;

    /**
     * One page in (location, SKU) order after {@code after} (null: from the start), of one location
     * (null: all) and SKUs starting with {@code skuPrefix}.
     */
    public static List<StockLevelEntity> page(String locationId, String skuPrefix, StockKey after, int limit) {
        StringBuilder where = new StringBuilder("id.sku like ?1");
        List<Object> params = new java.util.ArrayList<>();
        params.add(escapeLike(skuPrefix) + "%");
        if (locationId != null) {
            params.add(locationId);
            where.append(" and id.locationId = ?").append(params.size());
        }
        if (after != null) {
            params.add(after.locationId());
            params.add(after.sku());
            where.append(" and (id.locationId > ?").append(params.size() - 1)
                    .append(" or (id.locationId = ?").append(params.size() - 1)
                    .append(" and id.sku > ?").append(params.size()).append("))");
        }
        return find(where + " order by id.locationId, id.sku", params.toArray()).page(0, limit).list();
    }

    private static String escapeLike(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
