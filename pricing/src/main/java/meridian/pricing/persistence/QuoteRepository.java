package meridian.pricing.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
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
     * Inserts the quote, its lines in its row's arrays, in one autocommit statement: no JTA transaction or session
     * around it (a single statement is atomic). Returns false, having stored nothing, when the request_id is
     * already stored (unique constraint).
     */
    public boolean insert(QuoteEntity quote) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement("""
                        INSERT INTO quote (id, request_id, fingerprint, currency_code, total_minor, create_time,
                            expire_time, line_sku, line_quantity, line_unit_minor, line_list_unit_minor,
                            line_total_minor, line_tier_min_quantity, line_promotion_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            // Primitive arrays go to PostgreSQL in binary (boxed ones as text, formatted and parsed per element).
            PGConnection pg = c.unwrap(PGConnection.class);
            insert.setObject(1, quote.id);
            insert.setObject(2, quote.requestId);
            insert.setString(3, quote.fingerprint);
            insert.setString(4, quote.currencyCode);
            insert.setLong(5, quote.totalMinor);
            insert.setObject(6, OffsetDateTime.ofInstant(quote.createTime, ZoneOffset.UTC));
            insert.setObject(7, OffsetDateTime.ofInstant(quote.expireTime, ZoneOffset.UTC));
            insert.setArray(8, c.createArrayOf("text", quote.lineSku));
            insert.setArray(9, pg.createArrayOf("bigint", quote.lineQuantity));
            insert.setArray(10, pg.createArrayOf("bigint", quote.lineUnitMinor));
            insert.setArray(11, pg.createArrayOf("bigint", quote.lineListUnitMinor));
            insert.setArray(12, pg.createArrayOf("bigint", quote.lineTotalMinor));
            insert.setArray(13, pg.createArrayOf("bigint", quote.lineTierMinQuantity));
            insert.setArray(14, c.createArrayOf("text", quote.linePromotionId));
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
