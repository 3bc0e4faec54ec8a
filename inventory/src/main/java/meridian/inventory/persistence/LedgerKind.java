package meridian.inventory.persistence;

/** What a ledger entry records (column stock_ledger.kind). */
public enum LedgerKind {
    ADJUSTED, RESERVED, COMMITTED, RELEASED, EXPIRED
}
