package meridian.inventory.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.panache.common.Parameters;

/** A stock ledger entry as read by watch streams (appended by {@link LedgerRepository}). */
@Entity
@Immutable
@Table(name = "stock_ledger")
public class LedgerEntryEntity extends PanacheEntityBase {

    @Id
    public long seq;

    @Enumerated(EnumType.STRING)
    public LedgerKind kind;

    @Column(name = "location_id")
    public String locationId;

    public String sku;

    @Column(name = "on_hand_delta")
    public long onHandDelta;

    @Column(name = "reserved_delta")
    public long reservedDelta;

    @Column(name = "on_hand_after")
    public long onHandAfter;

    @Column(name = "reserved_after")
    public long reservedAfter;

    @Column(name = "reservation_id")
    public UUID reservationId;

    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "adjustment_reason")
    public String adjustmentReason;

    public String note;

    @Column(name = "create_time")
    public Instant createTime;

    /** W3C traceparent of the writing call; null when it was not traced. */
    public String traceparent;

    /** Up to {@code limit} entries after {@code afterSequence}, ascending, optionally filtered (empty: all). */
    public static List<LedgerEntryEntity> after(long afterSequence, List<String> locationIds, List<String> skus,
            int limit) {
        StringBuilder query = new StringBuilder("seq > :after");
        Parameters params = Parameters.with("after", afterSequence);
        if (!locationIds.isEmpty()) {
            query.append(" and locationId in :locations");
            params.and("locations", locationIds);
        }
        if (!skus.isEmpty()) {
            query.append(" and sku in :skus");
            params.and("skus", skus);
        }
        return find(query + " order by seq", params).page(0, limit).list();
    }
}
