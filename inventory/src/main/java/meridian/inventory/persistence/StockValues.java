package meridian.inventory.persistence;

/** On hand and reserved units of a stock level. */
public record StockValues(long onHand, long reserved) {

    public long available() {
        return onHand - reserved;
    }

    public StockValues plus(long onHandDelta, long reservedDelta) {
        return new StockValues(onHand + onHandDelta, reserved + reservedDelta);
    }
}
