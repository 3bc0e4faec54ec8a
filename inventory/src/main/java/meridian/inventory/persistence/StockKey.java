package meridian.inventory.persistence;

import java.util.Comparator;

/** One stock level: a SKU at a location. Ordered by location then SKU, the order rows are locked in. */
public record StockKey(String locationId, String sku) implements Comparable<StockKey> {

    private static final Comparator<StockKey> ORDER = Comparator.comparing(StockKey::locationId)
            .thenComparing(StockKey::sku);

    @Override
    public int compareTo(StockKey other) {
        return ORDER.compare(this, other);
    }
}
