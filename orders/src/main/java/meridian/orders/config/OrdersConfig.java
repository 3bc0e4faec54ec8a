package meridian.orders.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;

/** Settings of the order placement saga, its recovery, backorders and the order event stream. */
@ConfigMapping(prefix = "orders")
public interface OrdersConfig {

    Saga saga();

    Recovery recovery();

    StockWatch stockWatch();

    Backorders backorders();

    Events events();

    interface Saga {
        /** Longest budget of a saga: a caller's later deadline is capped to it; background sagas get it. */
        Duration maxBudget();

        /** Budget of releasing a reservation after a failure, independent of the caller's. */
        Duration compensationBudget();

        Duration retryInitialBackoff();

        Duration retryMaxBackoff();

        /** Tries of one idempotent step before a transient failure counts as an outage. */
        @Min(1)
        int retryMaxAttempts();

        /** How often a duplicate PlaceOrder looks whether the original finished. */
        Duration duplicatePollInterval();

        /**
         * TTL asked for reservations: how long a confirmed order holds its stock for fulfilment (when it runs out,
         * inventory releases the stock and the order is cancelled), and the last backstop if both saga and
         * recovery fail.
         */
        Duration reservationTtl();
    }

    interface Recovery {
        /** Schedule of the recovery job (also runs at startup). */
        String every();

        /** A saga without progress for this long is taken over by recovery. Longer than any saga budget. */
        Duration stuckAfter();

        @Min(1)
        int batchSize();
    }

    interface StockWatch {
        boolean enabled();

        Duration reconnectInitialBackoff();

        Duration reconnectMaxBackoff();
    }

    interface Backorders {
        /** Schedule of the backorder recheck. */
        String recheckEvery();

        /**
         * A stock level whose backorders nobody tried for this long is tried again. The stock stream cannot announce
         * stock that arrived while an order's own reservation attempt was short and not yet marked backordered.
         */
        Duration recheckAfter();

        /** Stock levels per recheck run, longest idle first. */
        @Min(1)
        int recheckBatchSize();
    }

    interface Events {
        @Min(1)
        int batchSize();

        /** How often a caught-up watch polls for events committed by other instances. */
        Duration pollInterval();

        /** Events older than this are deleted; a cursor before them is CURSOR_EXPIRED. */
        Duration retention();
    }
}
