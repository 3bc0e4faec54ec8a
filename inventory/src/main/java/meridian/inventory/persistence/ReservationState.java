package meridian.inventory.persistence;

/** Life cycle of a reservation (column reservation.state). */
public enum ReservationState {
    ACTIVE, COMMITTED, RELEASED, EXPIRED
}
