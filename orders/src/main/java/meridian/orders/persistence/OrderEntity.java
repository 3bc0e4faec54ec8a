package meridian.orders.persistence;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.BatchSize;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** An order and the persisted progress of its placement saga. */
@Entity
@Table(name = "customer_order")
public class OrderEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "request_id", nullable = false, updatable = false)
    public UUID requestId;

    @Column(name = "request_fingerprint", nullable = false, updatable = false)
    public String requestFingerprint;

    @Column(name = "customer_id", nullable = false, updatable = false)
    public String customerId;

    @Column(name = "location_id", nullable = false, updatable = false)
    public String locationId;

    @Column(name = "currency_code", nullable = false, updatable = false)
    public String currencyCode;

    @Column(name = "allow_backorder", nullable = false, updatable = false)
    public boolean allowBackorder;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public OrderStatus state;

    @Enumerated(EnumType.STRING)
    @Column(name = "saga_step", nullable = false)
    public SagaStep sagaStep;

    @Column(nullable = false)
    public int attempt;

    @Column(name = "saga_time", nullable = false)
    public Instant sagaTime;

    @Column(name = "quote_name")
    public String quoteName;

    @Column(name = "quote_expire_time")
    public Instant quoteExpireTime;

    @Column(name = "reservation_name")
    public String reservationName;

    /** While a cancel or fulfil is pending (saga step CANCELLING or FULFILLING): the message of its event. */
    @Column(name = "command_message")
    public String commandMessage;

    @Column(precision = 24, scale = 9)
    public BigDecimal total;

    public byte[] rejection;

    @Column(name = "create_time", nullable = false, updatable = false)
    public Instant createTime;

    @Column(name = "update_time", nullable = false)
    public Instant updateTime;

    @Version
    public long version;

    @OneToMany(mappedBy = "order", cascade = CascadeType.ALL)
    @OrderBy("lineNo")
    @BatchSize(size = 200)
    public List<OrderLineEntity> lines = new ArrayList<>();

    public String name() {
        return "orders/" + id;
    }
}
