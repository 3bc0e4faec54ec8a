-- D1: the SQL one PlaceOrder executes across the three services' schemas (the services' own V1 migrations, one
-- schema each), as separate transactions like the saga commits them: a two-line cart on random SKUs.
\set s1 random(1, 1000)
\set s2 1 + (:s1 + random(0, 998)) % 1000
\set q1 random(1, 3)
\set q2 1
SELECT gen_random_uuid() AS order_id, gen_random_uuid() AS request_id, gen_random_uuid() AS quote_id, gen_random_uuid() AS quote_request, gen_random_uuid() AS reservation_id, gen_random_uuid() AS reserve_request, 'BENCH-' || lpad(:s1::text, 5, '0') AS sku1, 'BENCH-' || lpad(:s2::text, 5, '0') AS sku2, 'bench-' || :s1::text AS customer \gset
-- orders: replay check, the order (PENDING, saga at PRICING), its lines, the command and the first event
BEGIN;
SELECT order_id FROM orders.order_command WHERE request_id = :request_id::uuid;
INSERT INTO orders.customer_order (id, request_id, request_fingerprint, customer_id, location_id, currency_code, allow_backorder, state, saga_step, attempt, saga_time, create_time, update_time, version) VALUES (:order_id::uuid, :request_id::uuid, 'fingerprint', :customer, 'bench-a', 'EUR', false, 'PENDING', 'PRICING', 0, now(), now(), now(), 0);
INSERT INTO orders.order_line (order_id, line_no, sku, quantity) VALUES (:order_id::uuid, 0, :sku1, :q1);
INSERT INTO orders.order_line (order_id, line_no, sku, quantity) VALUES (:order_id::uuid, 1, :sku2, :q2);
INSERT INTO orders.order_command (request_id, request_fingerprint, order_id, create_time) VALUES (:request_id::uuid, 'fingerprint', :order_id::uuid, now());
SELECT pg_advisory_xact_lock(7100);
INSERT INTO orders.order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time) VALUES (:order_id::uuid, :customer, 'UNSPECIFIED', 'PENDING', 'placed', '\x0a00', now());
COMMIT;
-- orders: the saga loads the order
BEGIN;
SELECT id, state, saga_step, attempt, version FROM orders.customer_order WHERE id = :order_id::uuid;
SELECT line_no, sku, quantity FROM orders.order_line WHERE order_id = :order_id::uuid ORDER BY line_no;
COMMIT;
-- pricing: QuotePrices persists the quote and its lines (prices come from the cache)
BEGIN;
SELECT id FROM pricing.quote WHERE request_id = :quote_request::uuid;
INSERT INTO pricing.quote (id, request_id, fingerprint, currency_code, total_minor, create_time, expire_time) VALUES (:quote_id::uuid, :quote_request::uuid, 'fingerprint', 'EUR', 2000, now(), now() + interval '15 minutes');
INSERT INTO pricing.quote_line (quote_id, line_index, sku, quantity, unit_minor, list_unit_minor, line_total_minor, tier_min_quantity) VALUES (:quote_id::uuid, 0, :sku1, :q1, 1000, 1000, 1000 * :q1, 1);
INSERT INTO pricing.quote_line (quote_id, line_index, sku, quantity, unit_minor, list_unit_minor, line_total_minor, tier_min_quantity) VALUES (:quote_id::uuid, 1, :sku2, :q2, 1000, 1000, 1000 * :q2, 1);
COMMIT;
-- orders: record the quote, saga moves to RESERVING
BEGIN;
SELECT version FROM orders.customer_order WHERE id = :order_id::uuid;
UPDATE orders.order_line SET unit_price = 10, line_total = 10 * :q1 WHERE order_id = :order_id::uuid AND line_no = 0;
UPDATE orders.order_line SET unit_price = 10, line_total = 10 * :q2 WHERE order_id = :order_id::uuid AND line_no = 1;
UPDATE orders.customer_order SET saga_step = 'RESERVING', quote_name = 'quotes/q', quote_expire_time = now() + interval '15 minutes', total = 20, update_time = now(), version = version + 1 WHERE id = :order_id::uuid AND version = 0;
COMMIT;
-- inventory: ReserveStock locks the stock levels (in key order), reserves, records reservation, lines, ledger, idempotency key
BEGIN;
SELECT response FROM inventory.idempotency_key WHERE request_id = :reserve_request::uuid;
SELECT on_hand, reserved, version FROM inventory.stock_level WHERE location_id = 'bench-a' AND sku IN (:sku1, :sku2) ORDER BY sku FOR UPDATE;
UPDATE inventory.stock_level SET reserved = reserved + :q1, version = version + 1, update_time = now() WHERE location_id = 'bench-a' AND sku = :sku1;
UPDATE inventory.stock_level SET reserved = reserved + :q2, version = version + 1, update_time = now() WHERE location_id = 'bench-a' AND sku = :sku2;
INSERT INTO inventory.reservation (id, request_id, state, expire_time, create_time, update_time) VALUES (:reservation_id::uuid, :reserve_request::uuid, 'ACTIVE', now() + interval '15 minutes', now(), now());
INSERT INTO inventory.reservation_line (reservation_id, line_no, location_id, sku, quantity) VALUES (:reservation_id::uuid, 0, 'bench-a', :sku1, :q1);
INSERT INTO inventory.reservation_line (reservation_id, line_no, location_id, sku, quantity) VALUES (:reservation_id::uuid, 1, 'bench-a', :sku2, :q2);
INSERT INTO inventory.stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id, request_id, create_time) VALUES ('RESERVED', 'bench-a', :sku1, 0, :q1, 1000000000, :q1, :reservation_id::uuid, :reserve_request::uuid, now());
INSERT INTO inventory.stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id, request_id, create_time) VALUES ('RESERVED', 'bench-a', :sku2, 0, :q2, 1000000000, :q2, :reservation_id::uuid, :reserve_request::uuid, now());
INSERT INTO inventory.idempotency_key (request_id, operation, fingerprint, response, create_time) VALUES (:reserve_request::uuid, 'ReserveStock', 'fingerprint', '\x0a00', now());
COMMIT;
-- orders: CONFIRMED, saga DONE, and the event
BEGIN;
SELECT version FROM orders.customer_order WHERE id = :order_id::uuid;
UPDATE orders.customer_order SET state = 'CONFIRMED', saga_step = 'DONE', reservation_name = 'reservations/r', update_time = now(), version = version + 1 WHERE id = :order_id::uuid AND version = 1;
SELECT pg_advisory_xact_lock(7100);
INSERT INTO orders.order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time) VALUES (:order_id::uuid, :customer, 'PENDING', 'CONFIRMED', 'confirmed', '\x0a00', now());
COMMIT;
