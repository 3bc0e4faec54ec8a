-- Money is always integer minor units of the row's currency (never floating point).

-- List price of one SKU in one currency; tiers in price_tier.
CREATE TABLE price (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku            text        NOT NULL,
    currency_code  char(3)     NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),
    unit_minor     bigint      NOT NULL CHECK (unit_minor >= 0),
    revision       bigint      NOT NULL CHECK (revision >= 1),
    update_actor   text        NOT NULL,
    update_time    timestamptz NOT NULL,
    UNIQUE (sku, currency_code)
);

-- Unit price from min_quantity on (the price row itself is the tier at 1).
CREATE TABLE price_tier (
    price_id       bigint NOT NULL REFERENCES price (id) ON DELETE CASCADE,
    min_quantity   bigint NOT NULL CHECK (min_quantity >= 2),
    unit_minor     bigint NOT NULL CHECK (unit_minor >= 0),
    PRIMARY KEY (price_id, min_quantity)
);

-- Every revision of every price, for audit: who, when, which request, and what (the Price message).
CREATE TABLE price_history (
    price_id       bigint      NOT NULL REFERENCES price (id),
    revision       bigint      NOT NULL,
    request_id     uuid        NOT NULL,
    update_actor   text        NOT NULL,
    update_time    timestamptz NOT NULL,
    snapshot       bytea       NOT NULL,
    PRIMARY KEY (price_id, revision)
);

-- Time-boxed discount: exactly one of a percentage (basis points) or an amount off in one currency.
CREATE TABLE promotion (
    id                   text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    display_name         text        NOT NULL,
    percent_off_bp       integer     CHECK (percent_off_bp BETWEEN 1 AND 10000),
    amount_off_minor     bigint      CHECK (amount_off_minor > 0),
    amount_off_currency  char(3),
    skus                 text[]      NOT NULL,
    start_time           timestamptz NOT NULL,
    end_time             timestamptz NOT NULL,
    revision             bigint      NOT NULL CHECK (revision >= 1),
    update_actor         text        NOT NULL,
    update_time          timestamptz NOT NULL,
    CHECK (start_time < end_time),
    CHECK ((percent_off_bp IS NULL) <> (amount_off_minor IS NULL)),
    CHECK ((amount_off_minor IS NULL) = (amount_off_currency IS NULL))
);

CREATE TABLE promotion_history (
    promotion_id   text        NOT NULL REFERENCES promotion (id),
    revision       bigint      NOT NULL,
    request_id     uuid        NOT NULL,
    update_actor   text        NOT NULL,
    update_time    timestamptz NOT NULL,
    snapshot       bytea       NOT NULL,
    PRIMARY KEY (promotion_id, revision)
);

-- Idempotency keys of the admin upserts (AIP-155): written in the same transaction as the effect.
CREATE TABLE idempotency_key (
    request_id     uuid        PRIMARY KEY,
    operation      text        NOT NULL,
    fingerprint    text        NOT NULL,
    response       bytea,
    create_time    timestamptz NOT NULL
);

-- Binding quotes; request_id is the stream's idempotency key.
CREATE TABLE quote (
    id             uuid        PRIMARY KEY,
    request_id     uuid        NOT NULL UNIQUE,
    fingerprint    text        NOT NULL,
    currency_code  char(3)     NOT NULL,
    total_minor    bigint      NOT NULL CHECK (total_minor >= 0),
    create_time    timestamptz NOT NULL,
    expire_time    timestamptz NOT NULL,
    CHECK (create_time < expire_time)
);

CREATE TABLE quote_line (
    quote_id           uuid    NOT NULL REFERENCES quote (id) ON DELETE CASCADE,
    line_index         integer NOT NULL CHECK (line_index >= 0),
    sku                text    NOT NULL,
    quantity           bigint  NOT NULL CHECK (quantity >= 1),
    unit_minor         bigint  NOT NULL CHECK (unit_minor >= 0),
    list_unit_minor    bigint  NOT NULL CHECK (list_unit_minor >= 0),
    line_total_minor   bigint  NOT NULL CHECK (line_total_minor >= 0),
    tier_min_quantity  bigint  NOT NULL CHECK (tier_min_quantity >= 1),
    promotion_id       text,
    PRIMARY KEY (quote_id, line_index)
);

CREATE INDEX quote_expire_time ON quote (expire_time);

-- Price and promotion changes in commit order (sequence taken under an advisory lock), for WatchPrices.
CREATE TABLE price_change (
    seq            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change         bytea       NOT NULL,
    create_time    timestamptz NOT NULL
);
CREATE INDEX price_change_create_time ON price_change (create_time);
