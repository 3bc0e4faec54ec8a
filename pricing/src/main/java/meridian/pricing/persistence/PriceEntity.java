package meridian.pricing.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A list price (read side; writes are atomic upserts in {@link PriceRepository}). */
@Entity
@Table(name = "price")
public class PriceEntity extends PanacheEntityBase {

    @Id
    public Long id;

    public String sku;

    @Column(name = "currency_code")
    public String currencyCode;

    @Column(name = "unit_minor")
    public long unitMinor;

    public long revision;

    @Column(name = "update_actor")
    public String updateActor;

    @Column(name = "update_time")
    public Instant updateTime;

    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "price_tier", joinColumns = @JoinColumn(name = "price_id"))
    @OrderBy("minQuantity")
    public List<TierEmbeddable> tiers = new ArrayList<>();
}
