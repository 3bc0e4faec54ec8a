-- Event order without serialising writers (conventions TransactionOrder): each event records its writing
-- transaction; watchers read only events of transactions older than the oldest running one, ordered by
-- (tx, seq), and resume from that pair. Replaces the advisory lock every append held through its commit.
-- Events written before carry transaction 0, so their sequence-only cursors read as (0, seq).
ALTER TABLE order_event ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE order_event ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX order_event_tx_seq ON order_event (tx, seq);
CREATE INDEX order_event_customer_tx_seq ON order_event (customer_id, tx, seq);
DROP INDEX order_event_customer;
