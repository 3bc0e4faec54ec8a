package meridian.orders.persistence;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** The last handled cursor of a stream this service watches. */
@Entity
@Table(name = "stock_watch_cursor")
public class StockWatchCursorEntity extends PanacheEntityBase {

    @Id
    public String stream;

    @Column(nullable = false)
    public String cursor;

    @Column(name = "update_time", nullable = false)
    public Instant updateTime;
}
