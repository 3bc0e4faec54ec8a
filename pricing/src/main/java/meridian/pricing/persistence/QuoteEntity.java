package meridian.pricing.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A binding quote; its lines are {@link QuoteLineEntity}. */
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
}
