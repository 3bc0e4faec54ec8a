package meridian.pricing.domain;

import java.util.Currency;

import com.google.type.Money;

import meridian.conventions.errors.ServiceException;

/**
 * The one conversion between google.type.Money and integer minor units of an ISO 4217 currency
 * (digits from java.util.Currency: JPY 0, EUR 2, BHD 3). Money with more precision than the currency,
 * negative money, or money in another currency is refused, never rounded.
 */
public final class MinorUnits {

    private static final long[] POWERS = { 1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000 };

    private MinorUnits() {
    }

    /** Minor-unit digits of {@code currencyCode}, or -1 when it is not an ISO 4217 currency with a minor unit. */
    public static int digits(String currencyCode) {
        try {
            return Currency.getInstance(currencyCode).getDefaultFractionDigits();
        } catch (IllegalArgumentException | NullPointerException e) {
            return -1;
        }
    }

    /** INVALID_ARGUMENT on {@code field} unless {@code currencyCode} is a known ISO 4217 currency. */
    public static void requireKnown(String currencyCode, String field) {
        if (digits(currencyCode) < 0) {
            throw ServiceException.invalidField(field, "must be an ISO 4217 currency code");
        }
    }

    /** {@code money} in minor units of {@code currencyCode}; INVALID_ARGUMENT on {@code field} when it is not exact. */
    public static long toMinor(Money money, String currencyCode, String field) {
        if (!money.getCurrencyCode().equals(currencyCode)) {
            throw ServiceException.invalidField(field + ".currency_code", "must be " + currencyCode);
        }
        int digits = digits(currencyCode);
        if (digits < 0) {
            throw ServiceException.invalidField(field + ".currency_code", "must be an ISO 4217 currency code");
        }
        if (money.getUnits() < 0 || money.getNanos() < 0 || money.getNanos() > 999_999_999) {
            throw ServiceException.invalidField(field, "must not be negative");
        }
        long nanosPerMinor = POWERS[9 - digits];
        if (money.getNanos() % nanosPerMinor != 0) {
            throw ServiceException.invalidField(field,
                    "has more decimals than " + currencyCode + " allows (" + digits + ")");
        }
        try {
            return Math.addExact(Math.multiplyExact(money.getUnits(), POWERS[digits]), money.getNanos() / nanosPerMinor);
        } catch (ArithmeticException e) {
            throw ServiceException.invalidField(field, "is too large");
        }
    }

    /** {@code minor} units of {@code currencyCode} as Money. */
    public static Money toMoney(long minor, String currencyCode) {
        return toMoney(minor, currencyCode, digits(currencyCode));
    }

    /** As {@link #toMoney(long, String)}, with the currency's {@link #digits} looked up once by the caller. */
    public static Money toMoney(long minor, String currencyCode, int digits) {
        long scale = POWERS[digits];
        return Money.newBuilder().setCurrencyCode(currencyCode).setUnits(minor / scale)
                .setNanos((int) ((minor % scale) * POWERS[9 - digits])).build();
    }
}
