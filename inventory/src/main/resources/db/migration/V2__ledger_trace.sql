-- W3C traceparent of the call that wrote the entry: watchers link the work it triggers to that call.
ALTER TABLE stock_ledger ADD COLUMN traceparent text;
