package meridian.pricing.persistence;

import java.io.Serializable;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One priced line of a quote, exactly as quoted. Assigned ids keep inserts batchable. */
@Entity
@Table(name = "quote_line")
@IdClass(QuoteLineEntity.Key.class)
public class QuoteLineEntity extends PanacheEntityBase {

    public record Key(UUID quoteId, int lineIndex) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }

    @Id
    @Column(name = "quote_id")
    public UUID quoteId;

    @Id
    @Column(name = "line_index")
    public int lineIndex;

    public String sku;

    public long quantity;

    @Column(name = "unit_minor")
    public long unitMinor;

    @Column(name = "list_unit_minor")
    public long listUnitMinor;

    @Column(name = "line_total_minor")
    public long lineTotalMinor;

    @Column(name = "tier_min_quantity")
    public long tierMinQuantity;

    @Column(name = "promotion_id")
    public String promotionId;
}
