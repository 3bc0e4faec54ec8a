-- Ledger order without serialising writers (conventions TransactionOrder): each entry records its writing
-- transaction; watchers read only entries of transactions older than the oldest running one, ordered by
-- (tx, seq), and resume from that pair. Replaces the advisory lock held through every writer's commit.
-- Entries written before carry transaction 0, so their sequence-only cursors read as (0, seq).
ALTER TABLE stock_ledger ADD COLUMN tx xid8 NOT NULL DEFAULT '0';
ALTER TABLE stock_ledger ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
CREATE INDEX stock_ledger_tx_seq ON stock_ledger (tx, seq);

-- Retention's high mark becomes a position (purged_through_tx, purged_through).
ALTER TABLE stock_ledger_retention ADD COLUMN purged_through_tx xid8 NOT NULL DEFAULT '0';
