package meridian.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {

    @Test
    void keepsDataInItsDirectoryAcrossRestarts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pgdata");
        try (LocalPostgres pg = LocalPostgres.start(data, 0).ensureDatabase("inventory")) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("inventory"), LocalPostgres.USER, "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v int)");
                s.execute("INSERT INTO kept VALUES (42)");
            }
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).isTrue();
        try (LocalPostgres pg = LocalPostgres.start(data, 0).ensureDatabase("inventory");
                Connection c = DriverManager.getConnection(pg.jdbcUrl("inventory"), LocalPostgres.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v, current_setting('server_version_num')::int FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
            assertThat(rs.getInt(2)).as("binaries pinned to PostgreSQL 17").isBetween(170000, 179999);
        }
    }
}
