package meridian.orders.persistence;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One line of an order; prices are set from the binding quote. */
@Entity
@Table(name = "order_line")
public class OrderLineEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "order_id", nullable = false, updatable = false)
    public OrderEntity order;

    @Column(name = "line_no", nullable = false, updatable = false)
    public int lineNo;

    @Column(nullable = false, updatable = false)
    public String sku;

    @Column(nullable = false, updatable = false)
    public long quantity;

    @Column(name = "unit_price", precision = 24, scale = 9)
    public BigDecimal unitPrice;

    @Column(name = "line_total", precision = 24, scale = 9)
    public BigDecimal lineTotal;

    @Column(nullable = false)
    public String promotion = "";
}
