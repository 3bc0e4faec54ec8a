package meridian.pricing.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A binding quote, written once. Its lines are the {@code line*} arrays (element i is line i, all of one length;
 * see migration V3 and {@link QuoteLines}).
 */
@Entity
@Table(name = "quote")
public class QuoteEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "request_id")
    public UUID requestId;

    public String fingerprint;

    @Column(name = "currency_code")
    public String currencyCode;

    @Column(name = "total_minor")
    public long totalMinor;

    @Column(name = "create_time")
    public Instant createTime;

    @Column(name = "expire_time")
    public Instant expireTime;

    @Column(name = "line_sku")
    public String[] lineSku;

    @Column(name = "line_quantity")
    public long[] lineQuantity;

    @Column(name = "line_unit_minor")
    public long[] lineUnitMinor;

    @Column(name = "line_list_unit_minor")
    public long[] lineListUnitMinor;

    @Column(name = "line_total_minor")
    public long[] lineTotalMinor;

    @Column(name = "line_tier_min_quantity")
    public long[] lineTierMinQuantity;

    /** Null elements for lines no promotion lowered. */
    @Column(name = "line_promotion_id")
    public String[] linePromotionId;
}
