-- Change order without serialising writers (conventions TransactionOrder): each change records its writing
-- transaction; watchers and the cache sync read only changes of transactions older than the oldest running
-- one, ordered by (tx, seq), and resume from that pair. Replaces the advisory lock every append held through
-- its commit. Changes written before carry transaction 0, so their sequence-only cursors read as (0, seq).
ALTER TABLE price_change ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE price_change ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX price_change_tx_seq ON price_change (tx, seq);
