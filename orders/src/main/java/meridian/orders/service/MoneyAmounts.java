package meridian.orders.service;

import java.math.BigDecimal;

import com.google.type.Money;

/** Exact conversions between google.type.Money and stored NUMERIC amounts. */
public final class MoneyAmounts {

    private MoneyAmounts() {
    }

    public static BigDecimal of(Money money) {
        return BigDecimal.valueOf(money.getUnits()).add(BigDecimal.valueOf(money.getNanos(), 9));
    }

    public static Money of(BigDecimal amount, String currencyCode) {
        long units = amount.longValue();
        int nanos = amount.subtract(BigDecimal.valueOf(units)).movePointRight(9).intValueExact();
        return Money.newBuilder().setCurrencyCode(currencyCode).setUnits(units).setNanos(nanos).build();
    }
}
