package meridian.pricing.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import meridian.testing.PostgresTestResource;

/**
 * Migration V3 moves stored quote lines into their quote's row: run on a schema of its own from V2 with quotes in
 * quote_line, then checked row by row, and the new constraints checked against malformed lines.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, scope = TestResourceScope.GLOBAL,
        initArgs = @ResourceArg(name = "database", value = "pricing"))
class QuoteLinesMigrationTest {

    private static final String SCHEMA = "quote_lines_migration";
    private static final String QUOTE = "00000000-0000-0000-0000-00000000000a";

    @AfterEach
    void dropSchema() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        }
    }

    @Test
    void storedLinesMoveIntoTheirQuoteInLineOrder() throws SQLException {
        flyway("2").migrate();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO quote VALUES ('" + QUOTE + "', gen_random_uuid(), 'fp', 'EUR', 2500, now(), "
                    + "now() + interval '15 minutes')");
            // Inserted out of order: the arrays follow line_index.
            s.execute("INSERT INTO quote_line VALUES ('" + QUOTE + "', 1, 'SKU-B', 3, 500, 600, 1500, 3, 'summer'), "
                    + "('" + QUOTE + "', 0, 'SKU-A', 1, 1000, 1000, 1000, 1, NULL)");
        }

        flyway(null).migrate();

        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT line_sku::text, line_quantity::text, line_unit_minor::text, "
                        + "line_list_unit_minor::text, line_total_minor::text, line_tier_min_quantity::text, "
                        + "line_promotion_id::text, to_regclass('quote_line') IS NULL FROM quote WHERE id = '" + QUOTE + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("{SKU-A,SKU-B}");
            assertThat(rs.getString(2)).isEqualTo("{1,3}");
            assertThat(rs.getString(3)).isEqualTo("{1000,500}");
            assertThat(rs.getString(4)).isEqualTo("{1000,600}");
            assertThat(rs.getString(5)).isEqualTo("{1000,1500}");
            assertThat(rs.getString(6)).isEqualTo("{1,3}");
            assertThat(rs.getString(7)).isEqualTo("{NULL,summer}");
            assertThat(rs.getBoolean(8)).as("quote_line dropped").isTrue();
        }
    }

    @Test
    void malformedLinesAreRefusedByTheSchema() throws SQLException {
        flyway(null).migrate();
        String lines = "'{A,B}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'";
        assertThat(insertQuote(lines)).isEqualTo(1);
        for (String malformed : new String[] {
                "'{A,B}', '{1}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'", // arrays of different lengths
                "'[0:1]={A,B}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'", // not indexed from 1
                "'{}', '{}', '{}', '{}', '{}', '{}', '{}'", // no line
                "'{A,B}', '{1,NULL}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'", // a missing quantity
                "'{A,B}', '{1,0}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'", // quantity below 1
                "'{A,B}', '{1,1}', '{1,-1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'", // a negative price
                "'{A,NULL}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{1,1}', '{NULL,NULL}'"}) { // a missing SKU
            assertThatThrownBy(() -> insertQuote(malformed)).as(malformed).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23514");
        }
    }

    private int insertQuote(String lines) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO quote VALUES (gen_random_uuid(), gen_random_uuid(), 'fp', 'EUR', 2, now(), "
                    + "now() + interval '1 minute', " + lines + ")");
        }
    }

    /** Flyway on this test's schema (not the app's), migrating up to {@code target} (null: the latest). */
    private static Flyway flyway(String target) {
        Config config = ConfigProvider.getConfig();
        var flyway = Flyway.configure().dataSource(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""))
                .schemas(SCHEMA).locations("classpath:db/migration");
        return (target == null ? flyway : flyway.target(target)).load();
    }

    /** A connection of its own (not the app's pool) on this test's schema. */
    private static Connection connect() throws SQLException {
        Config config = ConfigProvider.getConfig();
        Connection c = DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(""));
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA + "; SET search_path TO " + SCHEMA + ", public");
        }
        return c;
    }
}
