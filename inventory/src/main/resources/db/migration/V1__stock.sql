-- Stock per SKU per location. available is derived (on_hand - reserved) and never negative.
CREATE TABLE stock_level (
    location_id  text        NOT NULL,
    sku          text        NOT NULL,
    on_hand      bigint      NOT NULL CHECK (on_hand >= 0),
    reserved     bigint      NOT NULL CHECK (reserved >= 0),
    version      bigint      NOT NULL,
    update_time  timestamptz NOT NULL,
    PRIMARY KEY (location_id, sku),
    CHECK (reserved <= on_hand)
);
