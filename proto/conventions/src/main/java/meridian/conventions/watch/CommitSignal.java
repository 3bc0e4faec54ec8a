package meridian.conventions.watch;

import java.util.concurrent.CompletableFuture;

/**
 * Wakes the watch streams of one change log when new entries are committed in this process.
 * A stream takes {@link #next()} before it reads, so a commit between its read and its wait
 * is never missed. Entries committed by other instances are found by the streams' poll.
 */
public final class CommitSignal {

    private volatile CompletableFuture<Void> next = new CompletableFuture<>();

    /** Call after the transaction that appended entries has committed. */
    public void committed() {
        CompletableFuture<Void> fired;
        synchronized (this) {
            fired = next;
            next = new CompletableFuture<>();
        }
        fired.complete(null);
    }

    /** Completes at the next {@link #committed()}. */
    public CompletableFuture<Void> next() {
        return next;
    }
}
