package meridian.pricing.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** One row of price_tier. */
@Embeddable
public class TierEmbeddable {

    @Column(name = "min_quantity", nullable = false)
    public long minQuantity;

    @Column(name = "unit_minor", nullable = false)
    public long unitMinor;
}
