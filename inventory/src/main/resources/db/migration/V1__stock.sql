-- Stock per SKU per location. available is derived (on_hand - reserved) and never negative.
CREATE TABLE stock_level (
    location_id  text        NOT NULL,
    sku          text        NOT NULL,
    on_hand      bigint      NOT NULL CHECK (on_hand >= 0),
    reserved     bigint      NOT NULL CHECK (reserved >= 0),
    -- ledger sequence of the last change
    version      bigint      NOT NULL,
    update_time  timestamptz NOT NULL,
    PRIMARY KEY (location_id, sku),
    CHECK (reserved <= on_hand)
);

CREATE TABLE reservation (
    id           uuid        PRIMARY KEY,
    request_id   uuid        NOT NULL UNIQUE,
    state        text        NOT NULL CHECK (state IN ('ACTIVE', 'COMMITTED', 'RELEASED', 'EXPIRED')),
    expire_time  timestamptz NOT NULL,
    create_time  timestamptz NOT NULL,
    update_time  timestamptz NOT NULL
);
-- The sweeper only looks at active reservations past their expiry.
CREATE INDEX reservation_active_expiry ON reservation (expire_time) WHERE state = 'ACTIVE';

CREATE TABLE reservation_line (
    reservation_id uuid   NOT NULL REFERENCES reservation (id),
    line_no        int    NOT NULL CHECK (line_no >= 0),
    location_id    text   NOT NULL,
    sku            text   NOT NULL,
    quantity       bigint NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (reservation_id, line_no),
    UNIQUE (reservation_id, location_id, sku),
    FOREIGN KEY (location_id, sku) REFERENCES stock_level (location_id, sku)
);

-- Idempotency keys (AIP-155) of every mutation: the unique request_id serialises duplicates;
-- the response is stored in the transaction of the effect.
CREATE TABLE idempotency_key (
    request_id   uuid        PRIMARY KEY,
    operation    text        NOT NULL,
    fingerprint  text        NOT NULL,
    response     bytea,
    create_time  timestamptz NOT NULL
);

-- Append-only stock ledger: every change of a stock level, in commit order (seq is allocated under
-- an advisory lock held until commit). seq is also the watch cursor.
CREATE TABLE stock_ledger (
    seq               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind              text        NOT NULL CHECK (kind IN ('ADJUSTED', 'RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED')),
    location_id       text        NOT NULL,
    sku               text        NOT NULL,
    on_hand_delta     bigint      NOT NULL,
    reserved_delta    bigint      NOT NULL,
    on_hand_after     bigint      NOT NULL CHECK (on_hand_after >= 0),
    reserved_after    bigint      NOT NULL CHECK (reserved_after >= 0),
    reservation_id    uuid,
    request_id        uuid,
    adjustment_reason text,
    note              text,
    create_time       timestamptz NOT NULL,
    CHECK (on_hand_delta <> 0 OR reserved_delta <> 0),
    CHECK ((kind = 'ADJUSTED') = (adjustment_reason IS NOT NULL)),
    CHECK ((kind IN ('RESERVED', 'COMMITTED', 'RELEASED', 'EXPIRED')) = (reservation_id IS NOT NULL))
);

-- How far the ledger was purged by retention: a watch cursor below it cannot resume.
CREATE TABLE stock_ledger_retention (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    purged_through  bigint  NOT NULL CHECK (purged_through >= 0)
);
INSERT INTO stock_ledger_retention (purged_through) VALUES (0);
