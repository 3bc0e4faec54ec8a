package meridian.testing;

import meridian.postgres.LocalPostgres;

import java.util.Map;
import java.util.Optional;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Gives a Quarkus test its own database on a real PostgreSQL: an external server when
 * MERIDIAN_TEST_JDBC_URL (a server URL without database, such as jdbc:postgresql://db:5432/) is set,
 * with MERIDIAN_TEST_DB_USER and MERIDIAN_TEST_DB_PASSWORD; otherwise one embedded server per test
 * JVM, started on first use and stopped when the JVM exits.
 *
 * Init argument "database": the database name (created if missing).
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private static LocalPostgres shared;

    private String database = "meridian";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        Optional<String> external = setting("MERIDIAN_TEST_JDBC_URL");
        if (external.isPresent()) {
            String base = external.get().endsWith("/") ? external.get() : external.get() + "/";
            return Map.of(
                    "quarkus.datasource.jdbc.url", base + database,
                    "quarkus.datasource.username", setting("MERIDIAN_TEST_DB_USER").orElse("postgres"),
                    "quarkus.datasource.password", setting("MERIDIAN_TEST_DB_PASSWORD").orElse(""));
        }
        LocalPostgres server = server();
        server.ensureDatabase(database);
        return Map.of(
                "quarkus.datasource.jdbc.url", server.jdbcUrl(database),
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", "");
    }

    @Override
    public void stop() {
        // The shared server outlives Quarkus restarts between test profiles; the JVM hook stops it.
    }

    /** The embedded server of this JVM, for tests that stop and start it. */
    public static synchronized LocalPostgres server() {
        if (shared == null) {
            shared = LocalPostgres.startTemporary();
            LocalPostgres started = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "embedded-postgres-stop"));
        }
        return shared;
    }

    private static Optional<String> setting(String name) {
        return Optional.ofNullable(System.getProperty(name, System.getenv(name))).filter(v -> !v.isBlank());
    }
}
