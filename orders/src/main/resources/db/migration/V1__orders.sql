-- Orders and the persisted progress of their placement saga. Money: NUMERIC (exact) in the order currency.
CREATE TABLE customer_order (
    id                  uuid          PRIMARY KEY,
    -- Idempotency key of PlaceOrder (AIP-155) and the payload hash it was used with.
    request_id          uuid          NOT NULL UNIQUE,
    request_fingerprint text          NOT NULL,
    customer_id         text          NOT NULL,
    location_id         text          NOT NULL,
    currency_code       char(3)       NOT NULL,
    allow_backorder     boolean       NOT NULL,
    state               text          NOT NULL
        CHECK (state IN ('PENDING', 'CONFIRMED', 'BACKORDERED', 'REJECTED', 'CANCELLED', 'FULFILLED')),
    -- Next saga step to run; DONE when nothing is in flight in another service.
    saga_step           text          NOT NULL
        CHECK (saga_step IN ('PRICING', 'RESERVING', 'COMPENSATING', 'DONE')),
    -- Saga attempt (0 at placement, +1 per backorder retry): the remote request_ids derive from it.
    attempt             integer       NOT NULL CHECK (attempt >= 0),
    -- Last saga progress; the recovery job picks up orders whose saga is stuck since long.
    saga_time           timestamptz   NOT NULL,
    quote_name          text,
    quote_expire_time   timestamptz,
    reservation_name    text,
    total               numeric(24, 9) CHECK (total >= 0),
    -- meridian.orders.v1.Rejection, serialized; set when REJECTED.
    rejection           bytea,
    create_time         timestamptz   NOT NULL,
    update_time         timestamptz   NOT NULL,
    version             bigint        NOT NULL,
    CHECK (state <> 'CONFIRMED' OR reservation_name IS NOT NULL),
    CHECK (state <> 'REJECTED' OR rejection IS NOT NULL),
    CHECK (state <> 'PENDING' OR saga_step <> 'DONE')
);
CREATE INDEX customer_order_newest ON customer_order (create_time DESC, id DESC);
CREATE INDEX customer_order_customer_newest ON customer_order (customer_id, create_time DESC, id DESC);
CREATE INDEX customer_order_saga_in_flight ON customer_order (saga_time) WHERE saga_step <> 'DONE';
CREATE INDEX customer_order_backordered ON customer_order (location_id, create_time, id) WHERE state = 'BACKORDERED';

CREATE TABLE order_line (
    id          bigint        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    uuid          NOT NULL REFERENCES customer_order (id),
    line_no     integer       NOT NULL CHECK (line_no >= 0),
    sku         text          NOT NULL,
    quantity    bigint        NOT NULL CHECK (quantity BETWEEN 1 AND 1000000),
    -- Set once the order is priced, from the binding quote.
    unit_price  numeric(24, 9) CHECK (unit_price >= 0),
    line_total  numeric(24, 9) CHECK (line_total >= 0),
    promotion   text          NOT NULL DEFAULT '',
    UNIQUE (order_id, line_no),
    UNIQUE (order_id, sku)
);
CREATE INDEX order_line_sku ON order_line (sku, order_id);

-- Append-only log of state changes; seq order equals commit order (advisory lock at append).
CREATE TABLE order_event (
    seq          bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     uuid         NOT NULL REFERENCES customer_order (id),
    customer_id  text         NOT NULL,
    from_state   text         NOT NULL,
    to_state     text         NOT NULL,
    message      text         NOT NULL,
    -- meridian.orders.v1.Order right after the change, serialized.
    snapshot     bytea        NOT NULL,
    create_time  timestamptz  NOT NULL
);
CREATE INDEX order_event_customer ON order_event (customer_id, seq);
CREATE INDEX order_event_time ON order_event (create_time);

-- Idempotency keys of CancelOrder and FulfillOrder (AIP-155).
CREATE TABLE order_command (
    request_id          uuid         PRIMARY KEY,
    request_fingerprint text         NOT NULL,
    order_id            uuid         NOT NULL REFERENCES customer_order (id),
    create_time         timestamptz  NOT NULL
);

-- Last stock change cursor handled, so the inventory watch resumes after a restart.
CREATE TABLE stock_watch_cursor (
    stream       text         PRIMARY KEY,
    cursor       text         NOT NULL,
    update_time  timestamptz  NOT NULL
);
