package meridian.inventory.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

/**
 * Stock levels. The measured paths (GetStockLevel, BatchGet, the feed) are plain statements: single-statement
 * reads and set-based writes (ReserveStock changes stock in ReservationRepository's one statement). The paged
 * listing goes through {@link StockLevelEntity}.
 */
@ApplicationScoped
public class StockLevelRepository implements PanacheRepositoryBase<StockLevelEntity, StockLevelEntity.Id> {

    private final DataSource dataSource;

    StockLevelRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    private static final String ROW = "SELECT s.location_id, s.sku, s.on_hand, s.reserved, s.version, s.update_time "
            + "FROM stock_level s ";

    /** The stock level, empty when it does not exist. */
    public Optional<StockLevelRow> get(StockKey key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(ROW + "WHERE s.location_id = ? AND s.sku = ?")) {
            select.setString(1, key.locationId());
            select.setString(2, key.sku());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /** The existing ones among {@code keys}, read in one statement (one snapshot). */
    public Map<StockKey, StockLevelRow> get(Collection<StockKey> keys) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(ROW + """
                        JOIN unnest(?::text[], ?::text[]) AS k(location_id, sku)
                          ON s.location_id = k.location_id AND s.sku = k.sku""")) {
            select.setArray(1, texts(c, keys.stream().map(StockKey::locationId).toList()));
            select.setArray(2, texts(c, keys.stream().map(StockKey::sku).toList()));
            Map<StockKey, StockLevelRow> found = new HashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    StockLevelRow row = row(rs);
                    found.put(row.key(), row);
                }
            }
            return found;
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /**
     * Up to {@code limit} in (location, SKU) order after {@code after} (null: from the start), of one location
     * (null: all) and SKUs starting with {@code skuPrefix}.
     */
    public List<StockLevelRow> page(String locationId, String skuPrefix, StockKey after, int limit) {
        StringBuilder where = new StringBuilder("id.sku like :prefix escape '\\'");
        Parameters params = Parameters.with("prefix", escapeLike(skuPrefix) + "%");
        if (locationId != null) {
            where.append(" and id.locationId = :location");
            params.and("location", locationId);
        }
        if (after != null) {
            where.append(" and (id.locationId, id.sku) > (:afterLocation, :afterSku)");
            params.and("afterLocation", after.locationId()).and("afterSku", after.sku());
        }
        return find(where.toString(), Sort.by("id.locationId").and("id.sku"), params).page(0, limit)
                .stream().map(StockLevelEntity::toRow).toList();
    }

    private static StockLevelRow row(ResultSet rs) throws SQLException {
        return new StockLevelRow(new StockKey(rs.getString(1), rs.getString(2)),
                new StockValues(rs.getLong(3), rs.getLong(4)), rs.getLong(5), rs.getTimestamp(6).toInstant());
    }

    /** LIKE pattern text matching {@code prefix} literally (backslash escapes). */
    private static String escapeLike(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** Creates the missing ones among {@code keys} with nothing on hand (a first receipt). */
    public void createMissing(List<StockKey> keys, Instant now) {
        if (keys.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO stock_level (location_id, sku, on_hand, reserved, version, update_time)
                        SELECT k.location_id, k.sku, 0, 0, 0, ? FROM unnest(?::text[], ?::text[]) AS k(location_id, sku)
                        ORDER BY k.location_id, k.sku
                        ON CONFLICT (location_id, sku) DO NOTHING""")) {
            insert.setTimestamp(1, Timestamp.from(now));
            insert.setArray(2, texts(c, keys.stream().map(StockKey::locationId).toList()));
            insert.setArray(3, texts(c, keys.stream().map(StockKey::sku).toList()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    /**
     * Locks the existing stock levels among {@code keys}, always in (location, SKU) order so two
     * transactions locking overlapping sets cannot deadlock; returns their current values.
     */
    public Map<StockKey, StockValues> lockInOrder(Collection<StockKey> keys) {
        Map<StockKey, StockValues> locked = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return locked;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("""
                        SELECT s.location_id, s.sku, s.on_hand, s.reserved FROM stock_level s
                        JOIN unnest(?::text[], ?::text[]) AS k(location_id, sku)
                          ON s.location_id = k.location_id AND s.sku = k.sku
                        ORDER BY s.location_id, s.sku
                        FOR UPDATE OF s""")) {
            select.setArray(1, texts(c, keys.stream().map(StockKey::locationId).toList()));
            select.setArray(2, texts(c, keys.stream().map(StockKey::sku).toList()));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    locked.put(new StockKey(rs.getString(1), rs.getString(2)),
                            new StockValues(rs.getLong(3), rs.getLong(4)));
                }
            }
            return locked;
        } catch (SQLException e) {
            throw PersistenceFailure.of(e);
        }
    }

    static Array texts(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray());
    }

    static Array longs(Connection c, List<Long> values) throws SQLException {
        return c.createArrayOf("bigint", values.toArray());
    }
}
