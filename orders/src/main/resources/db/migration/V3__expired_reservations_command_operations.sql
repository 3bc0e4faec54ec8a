-- Inventory's stock stream announces each reservation that expires; orders finds the confirmed order that held it
-- (StockWatcher -> OrderStore.reservationsExpired). Only confirmed orders hold a reservation that can lapse.
CREATE INDEX customer_order_confirmed_reservation ON customer_order (reservation_name) WHERE state = 'CONFIRMED';

-- Which command used an idempotency key: a cancel and a fulfil of the same order can carry the same payload, so the
-- fingerprint alone would replay one as the other. Keys recorded before have '' and match either.
ALTER TABLE order_command ADD COLUMN operation text NOT NULL DEFAULT ''
    CHECK (operation IN ('', 'CANCELLED', 'FULFILLED'));
