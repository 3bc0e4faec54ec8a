-- Orders; money in integer minor units of the order currency.
CREATE TABLE customer_order (
    id             uuid        PRIMARY KEY,
    request_id     uuid        NOT NULL UNIQUE,
    customer_id    text        NOT NULL,
    location_id    text        NOT NULL,
    currency_code  char(3)     NOT NULL,
    state          text        NOT NULL,
    create_time    timestamptz NOT NULL,
    update_time    timestamptz NOT NULL
);
