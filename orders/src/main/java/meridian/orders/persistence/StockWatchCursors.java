package meridian.orders.persistence;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

/** Stores the last handled cursor of a watched stream (table stock_watch_cursor). */
@ApplicationScoped
public class StockWatchCursors {

    private final Jdbc jdbc;

    public StockWatchCursors(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts or replaces the cursor of {@code stream}: one statement, auto-committed, no entity loaded first. */
    public void save(String stream, String cursor, Instant now) {
        jdbc.update("""
                INSERT INTO stock_watch_cursor (stream, cursor, update_time) VALUES (?, ?, ?)
                ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor, update_time = excluded.update_time""",
                s -> {
                    s.setString(1, stream);
                    s.setString(2, cursor);
                    s.setObject(3, Jdbc.time(now));
                });
    }
}
