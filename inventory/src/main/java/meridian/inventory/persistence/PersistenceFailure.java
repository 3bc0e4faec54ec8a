package meridian.inventory.persistence;

import java.sql.SQLException;

/** An SQL failure of the JDBC repositories; the SQLException stays the cause for the status mapper. */
public class PersistenceFailure extends RuntimeException {

    PersistenceFailure(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** A deadlock or serialization failure: the transaction may be retried as a whole. */
    public static class Contention extends PersistenceFailure {
        Contention(SQLException cause) {
            super(cause);
        }
    }

    static PersistenceFailure of(SQLException e) {
        String state = e.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
            return new Contention(e);
        }
        return new PersistenceFailure(e);
    }
}
