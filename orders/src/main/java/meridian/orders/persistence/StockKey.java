package meridian.orders.persistence;

/** A stock level's identity in inventory: the SKU at one location. */
public record StockKey(String locationId, String sku) {
}
