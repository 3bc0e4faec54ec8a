-- Prices per SKU and currency in integer minor units (never floating point).
CREATE TABLE price (
    sku            text        NOT NULL,
    currency_code  char(3)     NOT NULL,
    unit_minor     bigint      NOT NULL CHECK (unit_minor >= 0),
    revision       bigint      NOT NULL,
    update_actor   text        NOT NULL,
    update_time    timestamptz NOT NULL,
    PRIMARY KEY (sku, currency_code)
);
