-- D1: the SQL one PlaceOrder executes, as captured with log_statement=all from the services placing a two-line
-- order (the average cart is 2.5 lines), in the same transactions, against the services' own V1 migrations (one
-- schema per service). Hibernate's column lists are shortened to the columns that matter.
\set s1 random(1, 1000)
\set s2 1 + (:s1 + random(0, 998)) % 1000
\set q1 random(1, 3)
\set q2 1
SELECT gen_random_uuid() AS order_id, gen_random_uuid() AS request_id, gen_random_uuid() AS quote_id, gen_random_uuid() AS quote_request, gen_random_uuid() AS reservation_id, gen_random_uuid() AS reserve_request, 'BENCH-' || lpad(:s1::text, 5, '0') AS sku1, 'BENCH-' || lpad(:s2::text, 5, '0') AS sku2, 'bench-' || :s1::text AS customer \gset
-- orders: create the order (PENDING, saga at PRICING), read it back, its lines, its first event
BEGIN;
INSERT INTO orders.customer_order (id, request_id, request_fingerprint, customer_id, location_id, currency_code, allow_backorder, state, saga_step, attempt, saga_time, create_time, update_time, version) VALUES (:order_id::uuid, :request_id::uuid, 'fingerprint', :customer, 'bench-a', 'EUR', false, 'PENDING', 'PRICING', 0, now(), now(), now(), 0) ON CONFLICT (request_id) DO NOTHING;
SELECT id, state, saga_step, attempt, version FROM orders.customer_order WHERE id = :order_id::uuid;
SELECT id, line_no, sku, quantity FROM orders.order_line WHERE order_id = :order_id::uuid ORDER BY line_no;
INSERT INTO orders.order_line (line_no, order_id, promotion, quantity, sku) VALUES (0, :order_id::uuid, '', :q1, :sku1) RETURNING *;
INSERT INTO orders.order_line (line_no, order_id, promotion, quantity, sku) VALUES (1, :order_id::uuid, '', :q2, :sku2) RETURNING *;
SELECT pg_advisory_xact_lock(8030591472429653809);
INSERT INTO orders.order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time) VALUES (:order_id::uuid, :customer, 'UNSPECIFIED', 'PENDING', 'order placed', '\x0a2b6f72646572732f', now());
COMMIT;
-- orders: the saga loads the order
BEGIN;
SELECT id, state, saga_step, attempt, version FROM orders.customer_order WHERE id = :order_id::uuid;
SELECT id, line_no, sku, quantity FROM orders.order_line WHERE order_id = :order_id::uuid ORDER BY line_no;
COMMIT;
-- pricing (QuotePrices): replay check, the price of each line (a cache miss each), then the quote and its lines
BEGIN;
SELECT id, total_minor FROM pricing.quote WHERE request_id = :quote_request::uuid FETCH FIRST 1 ROWS ONLY;
COMMIT;
BEGIN;
SELECT id, unit_minor, revision FROM pricing.price WHERE sku = :sku1 ORDER BY currency_code;
SELECT min_quantity, unit_minor FROM pricing.price_tier WHERE price_id = 1 ORDER BY min_quantity;
COMMIT;
BEGIN;
SELECT id, unit_minor, revision FROM pricing.price WHERE sku = :sku2 ORDER BY currency_code;
SELECT min_quantity, unit_minor FROM pricing.price_tier WHERE price_id = 2 ORDER BY min_quantity;
COMMIT;
BEGIN;
INSERT INTO pricing.quote (create_time, currency_code, expire_time, fingerprint, request_id, total_minor, id) VALUES (now(), 'EUR', now() + interval '15 minutes', 'fingerprint', :quote_request::uuid, 2000, :quote_id::uuid);
INSERT INTO pricing.quote_line (line_total_minor, list_unit_minor, promotion_id, quantity, sku, tier_min_quantity, unit_minor, quote_id, line_index) VALUES (1000 * :q1, 1000, NULL, :q1, :sku1, 1, 1000, :quote_id::uuid, 0);
INSERT INTO pricing.quote_line (line_total_minor, list_unit_minor, promotion_id, quantity, sku, tier_min_quantity, unit_minor, quote_id, line_index) VALUES (1000 * :q2, 1000, NULL, :q2, :sku2, 1, 1000, :quote_id::uuid, 1);
COMMIT;
-- orders: record the quote, saga moves to RESERVING
BEGIN;
SELECT id, state, saga_step, attempt, version FROM orders.customer_order WHERE id = :order_id::uuid;
SELECT id, line_no, sku, quantity FROM orders.order_line WHERE order_id = :order_id::uuid ORDER BY line_no;
UPDATE orders.customer_order SET attempt = 0, quote_expire_time = now() + interval '15 minutes', quote_name = 'quotes/q', saga_step = 'RESERVING', saga_time = now(), total = 20, update_time = now(), version = 1 WHERE id = :order_id::uuid AND version = 0;
UPDATE orders.order_line SET line_total = 10 * :q1, promotion = '', unit_price = 10 WHERE order_id = :order_id::uuid AND line_no = 0;
UPDATE orders.order_line SET line_total = 10 * :q2, promotion = '', unit_price = 10 WHERE order_id = :order_id::uuid AND line_no = 1;
COMMIT;
-- inventory (ReserveStock): idempotency key, conditional reserve per line, reservation with lines, ledger entries
BEGIN;
INSERT INTO inventory.idempotency_key (request_id, operation, fingerprint, response, create_time) VALUES (:reserve_request::uuid, 'ReserveStock', 'fingerprint', '\x0ab9010a3172657365727661', now()) ON CONFLICT (request_id) DO NOTHING;
UPDATE inventory.stock_level SET reserved = reserved + :q1, update_time = now() WHERE location_id = 'bench-a' AND sku = :sku1 AND on_hand - reserved >= :q1 RETURNING on_hand, reserved;
UPDATE inventory.stock_level SET reserved = reserved + :q2, update_time = now() WHERE location_id = 'bench-a' AND sku = :sku2 AND on_hand - reserved >= :q2 RETURNING on_hand, reserved;
WITH r AS (INSERT INTO inventory.reservation (id, request_id, state, expire_time, create_time, update_time) VALUES (:reservation_id::uuid, :reserve_request::uuid, 'ACTIVE', now() + interval '15 minutes', now(), now()) RETURNING id) INSERT INTO inventory.reservation_line (reservation_id, line_no, location_id, sku, quantity) SELECT r.id, l.ord - 1, l.location_id, l.sku, l.quantity FROM r, unnest(ARRAY['bench-a', 'bench-a'], ARRAY[:sku1, :sku2], ARRAY[:q1::bigint, :q2::bigint]) WITH ORDINALITY AS l(location_id, sku, quantity, ord);
SELECT pg_advisory_xact_lock(444520165);
WITH entry AS (INSERT INTO inventory.stock_ledger (kind, location_id, sku, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reservation_id, request_id, create_time) SELECT 'RESERVED', 'bench-a', v.sku, 0, v.q, 1000000000000, v.q, :reservation_id::uuid, :reserve_request::uuid, now() FROM unnest(ARRAY[:sku1, :sku2], ARRAY[:q1::bigint, :q2::bigint]) WITH ORDINALITY AS v(sku, q, ord) ORDER BY v.ord RETURNING seq, location_id, sku), latest AS (SELECT location_id, sku, max(seq) AS seq FROM entry GROUP BY location_id, sku), stamped AS (UPDATE inventory.stock_level s SET version = latest.seq FROM latest WHERE s.location_id = latest.location_id AND s.sku = latest.sku) SELECT max(seq) FROM latest;
COMMIT;
-- orders: CONFIRMED, saga DONE, and the event
BEGIN;
SELECT id, state, saga_step, attempt, version FROM orders.customer_order WHERE id = :order_id::uuid;
SELECT id, line_no, sku, quantity FROM orders.order_line WHERE order_id = :order_id::uuid ORDER BY line_no;
UPDATE orders.customer_order SET reservation_name = 'reservations/r', saga_step = 'DONE', saga_time = now(), state = 'CONFIRMED', update_time = now(), version = 2 WHERE id = :order_id::uuid AND version = 1;
SELECT pg_advisory_xact_lock(8030591472429653809);
INSERT INTO orders.order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time) VALUES (:order_id::uuid, :customer, 'PENDING', 'CONFIRMED', 'order confirmed', '\x0a2b6f72646572732f', now());
COMMIT;
