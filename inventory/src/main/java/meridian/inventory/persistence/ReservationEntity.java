package meridian.inventory.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

import org.hibernate.annotations.BatchSize;
import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A reservation and its lines as an entity: read by GetReservation, selected and expired by the sweeper.
 * Only the state changes through it; ReserveStock inserts and Commit/Release update with plain statements
 * ({@link ReservationRepository}).
 */
@Entity
@Table(name = "reservation")
public class ReservationEntity extends PanacheEntityBase {

    @Embeddable
    public static class Line {
        @Column(name = "location_id")
        public String locationId;

        public String sku;

        public long quantity;
    }

    @Id
    public UUID id;

    @Column(name = "request_id", updatable = false)
    public UUID requestId;

    @Enumerated(EnumType.STRING)
    public ReservationState state;

    @Column(name = "expire_time", updatable = false)
    public Instant expireTime;

    @Column(name = "create_time", updatable = false)
    public Instant createTime;

    @Column(name = "update_time")
    public Instant updateTime;

    /** In request order; a sweeper batch loads the lines of up to 100 reservations per statement. */
    @ElementCollection
    @Immutable
    @BatchSize(size = 100)
    @CollectionTable(name = "reservation_line", joinColumns = @JoinColumn(name = "reservation_id"))
    @OrderColumn(name = "line_no")
    public List<Line> lines;

    public ReservationRecord toRecord() {
        return new ReservationRecord(id, requestId, state, expireTime, createTime, updateTime, lines.stream()
                .map(l -> new ReservationRecord.Line(new StockKey(l.locationId, l.sku), l.quantity)).toList());
    }
}
