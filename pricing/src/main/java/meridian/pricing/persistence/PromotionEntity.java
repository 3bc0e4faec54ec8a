package meridian.pricing.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A promotion (read side; writes are atomic upserts in {@link PromotionRepository}). */
@Entity
@Table(name = "promotion")
public class PromotionEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "percent_off_bp")
    public Integer percentOffBasisPoints;

    @Column(name = "amount_off_minor")
    public Long amountOffMinor;

    @Column(name = "amount_off_currency")
    public String amountOffCurrency;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public String[] skus;

    @Column(name = "start_time")
    public Instant startTime;

    @Column(name = "end_time")
    public Instant endTime;

    public long revision;

    @Column(name = "update_actor")
    public String updateActor;

    @Column(name = "update_time")
    public Instant updateTime;
}
