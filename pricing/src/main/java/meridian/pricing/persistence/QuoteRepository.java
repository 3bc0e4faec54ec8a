package meridian.pricing.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.PersistenceException;

import org.postgresql.PGConnection;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class QuoteRepository implements PanacheRepositoryBase<QuoteEntity, UUID> {

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;

    QuoteRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<QuoteEntity> findByRequestId(UUID requestId) {
        return find("requestId", requestId).firstResultOptional();
    }

    public List<QuoteLineEntity> lines(UUID quoteId) {
        return QuoteLineEntity.list("quoteId = ?1 order by lineIndex", quoteId);
    }

    /**
     * Whether a quote with this request_id is stored: one plain autocommit statement, no JTA transaction or
     * session, because every QuotePrices stream asks it before its first line is answered and it is almost always
     * no.
     */
    public boolean requestIdTaken(UUID requestId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement taken = c.prepareStatement("SELECT 1 FROM quote WHERE request_id = ?")) {
            taken.setObject(1, requestId);
            try (ResultSet rs = taken.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new PersistenceException("looking up quote request " + requestId + " failed", e);
        }
    }

    /**
     * Inserts the quote and its lines (their quote_id is the quote's) in one autocommit statement, the lines
     * passed as arrays: one round trip and one plan for a 1,000-line quote, and no JTA transaction or session
     * around it (a single statement is atomic). Returns false, having stored nothing, when the request_id is
     * already stored (unique constraint).
     */
    public boolean insert(QuoteEntity quote, List<QuoteLineEntity> lines) {
        int n = lines.size();
        int[] indexes = new int[n];
        String[] skus = new String[n];
        long[] quantities = new long[n];
        long[] units = new long[n];
        long[] listUnits = new long[n];
        long[] totals = new long[n];
        long[] tierMins = new long[n];
        String[] promotions = new String[n];
        for (int i = 0; i < n; i++) {
            QuoteLineEntity line = lines.get(i);
            indexes[i] = line.lineIndex;
            skus[i] = line.sku;
            quantities[i] = line.quantity;
            units[i] = line.unitMinor;
            listUnits[i] = line.listUnitMinor;
            totals[i] = line.lineTotalMinor;
            tierMins[i] = line.tierMinQuantity;
            promotions[i] = line.promotionId;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        WITH q AS (
                          INSERT INTO quote (id, request_id, fingerprint, currency_code, total_minor, create_time,
                                             expire_time)
                          VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id)
                        INSERT INTO quote_line (quote_id, line_index, sku, quantity, unit_minor, list_unit_minor,
                            line_total_minor, tier_min_quantity, promotion_id)
                        SELECT q.id, l.* FROM q, unnest(?::integer[], ?::text[], ?::bigint[], ?::bigint[],
                            ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])
                          AS l(line_index, sku, quantity, unit, list_unit, total, tier_min, promotion)""")) {
            // Primitive arrays go to PostgreSQL in binary (boxed ones as text, formatted and parsed per element).
            PGConnection pg = c.unwrap(PGConnection.class);
            insert.setObject(1, quote.id);
            insert.setObject(2, quote.requestId);
            insert.setString(3, quote.fingerprint);
            insert.setString(4, quote.currencyCode);
            insert.setLong(5, quote.totalMinor);
            insert.setObject(6, OffsetDateTime.ofInstant(quote.createTime, ZoneOffset.UTC));
            insert.setObject(7, OffsetDateTime.ofInstant(quote.expireTime, ZoneOffset.UTC));
            insert.setArray(8, pg.createArrayOf("integer", indexes));
            insert.setArray(9, c.createArrayOf("text", skus));
            insert.setArray(10, pg.createArrayOf("bigint", quantities));
            insert.setArray(11, pg.createArrayOf("bigint", units));
            insert.setArray(12, pg.createArrayOf("bigint", listUnits));
            insert.setArray(13, pg.createArrayOf("bigint", totals));
            insert.setArray(14, pg.createArrayOf("bigint", tierMins));
            insert.setArray(15, c.createArrayOf("text", promotions));
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw new PersistenceException("storing quote " + quote.id + " failed", e);
        }
    }
}
