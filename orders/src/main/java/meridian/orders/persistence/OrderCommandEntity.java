package meridian.orders.persistence;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** Idempotency key of a CancelOrder or FulfillOrder call. */
@Entity
@Table(name = "order_command")
public class OrderCommandEntity extends PanacheEntityBase {

    @Id
    @Column(name = "request_id")
    public UUID requestId;

    @Column(name = "request_fingerprint", nullable = false)
    public String requestFingerprint;

    /** The state the command moves the order to (CANCELLED, FULFILLED); '' for keys recorded before V3. */
    @Column(nullable = false)
    public String operation;

    @Column(name = "order_id", nullable = false)
    public UUID orderId;

    @Column(name = "create_time", nullable = false)
    public Instant createTime;
}
