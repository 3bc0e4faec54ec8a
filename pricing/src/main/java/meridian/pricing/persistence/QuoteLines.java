package meridian.pricing.persistence;

import java.util.Arrays;

/**
 * A quote's lines as they are stored: parallel arrays, element i is line i (migration V3). Filled line by line as
 * a QuotePrices stream prices them, without an object per line.
 */
public final class QuoteLines {

    private String[] sku = new String[8];
    private long[] quantity = new long[8];
    private long[] unitMinor = new long[8];
    private long[] listUnitMinor = new long[8];
    private long[] lineTotalMinor = new long[8];
    private long[] tierMinQuantity = new long[8];
    private String[] promotionId = new String[8];
    private int size;

    /** Appends the next line; {@code promotionId} null when no promotion applied. */
    public void add(String sku, long quantity, long unitMinor, long listUnitMinor, long lineTotalMinor,
            long tierMinQuantity, String promotionId) {
        if (size == this.sku.length) {
            grow();
        }
        this.sku[size] = sku;
        this.quantity[size] = quantity;
        this.unitMinor[size] = unitMinor;
        this.listUnitMinor[size] = listUnitMinor;
        this.lineTotalMinor[size] = lineTotalMinor;
        this.tierMinQuantity[size] = tierMinQuantity;
        this.promotionId[size] = promotionId;
        size++;
    }

    /** Sets the quote's line columns to these lines. */
    public void storeIn(QuoteEntity quote) {
        quote.lineSku = Arrays.copyOf(sku, size);
        quote.lineQuantity = Arrays.copyOf(quantity, size);
        quote.lineUnitMinor = Arrays.copyOf(unitMinor, size);
        quote.lineListUnitMinor = Arrays.copyOf(listUnitMinor, size);
        quote.lineTotalMinor = Arrays.copyOf(lineTotalMinor, size);
        quote.lineTierMinQuantity = Arrays.copyOf(tierMinQuantity, size);
        quote.linePromotionId = Arrays.copyOf(promotionId, size);
    }

    private void grow() {
        int capacity = sku.length * 2;
        sku = Arrays.copyOf(sku, capacity);
        quantity = Arrays.copyOf(quantity, capacity);
        unitMinor = Arrays.copyOf(unitMinor, capacity);
        listUnitMinor = Arrays.copyOf(listUnitMinor, capacity);
        lineTotalMinor = Arrays.copyOf(lineTotalMinor, capacity);
        tierMinQuantity = Arrays.copyOf(tierMinQuantity, capacity);
        promotionId = Arrays.copyOf(promotionId, capacity);
    }
}
