package meridian.orders.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One entry of the order event log, read only: entries are appended by {@link OrderEventLog}. */
@Entity
@Immutable
@Table(name = "order_event")
public class OrderEventEntity extends PanacheEntityBase {

    @Id
    public long seq;

    @Column(name = "order_id")
    public UUID orderId;

    @Column(name = "customer_id")
    public String customerId;

    @Column(name = "from_state")
    public String fromState;

    @Column(name = "to_state")
    public String toState;

    public String message;

    public byte[] snapshot;

    @Column(name = "create_time")
    public Instant createTime;
}
