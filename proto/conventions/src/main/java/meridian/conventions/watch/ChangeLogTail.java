package meridian.conventions.watch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Follows an append-only change log from a sequence number, for the resumable watch streams.
 *
 * A batch is read only when the subscriber has asked for more items, so a slow reader (gRPC flow
 * control) holds at most one batch in memory. When caught up, the tail waits for the log's
 * {@link CommitSignal} or, for entries committed by other instances, the poll interval. Every entry
 * is delivered once, in sequence order; cancelling the subscription stops the reads.
 *
 * @param <T> a change log entry
 */
public final class ChangeLogTail<T> {

    /** Reads up to {@code limit} entries with sequence greater than {@code afterSequence}, ascending. Blocking. */
    @FunctionalInterface
    public interface BatchReader<T> {
        List<T> read(long afterSequence, int limit);
    }

    private final BatchReader<T> reader;
    private final ToLongFunction<T> sequenceOf;
    private final CommitSignal signal;
    private final int batchSize;
    private final Duration pollInterval;
    private final Executor blockingExecutor;

    public ChangeLogTail(BatchReader<T> reader, ToLongFunction<T> sequenceOf, CommitSignal signal, int batchSize,
            Duration pollInterval) {
        this(reader, sequenceOf, signal, batchSize, pollInterval, Infrastructure.getDefaultWorkerPool());
    }

    public ChangeLogTail(BatchReader<T> reader, ToLongFunction<T> sequenceOf, CommitSignal signal, int batchSize,
            Duration pollInterval, Executor blockingExecutor) {
        this.reader = reader;
        this.sequenceOf = sequenceOf;
        this.signal = signal;
        this.batchSize = batchSize;
        this.pollInterval = pollInterval;
        this.blockingExecutor = blockingExecutor;
    }

    /** Every entry after {@code afterSequence}, then every new one as it is committed, until cancelled. */
    public Multi<T> follow(long afterSequence) {
        AtomicLong position = new AtomicLong(afterSequence);
        return Multi.createBy().repeating()
                .uni(() -> nextBatch(position))
                .indefinitely()
                .onItem().disjoint();
    }

    private Uni<List<T>> nextBatch(AtomicLong position) {
        return Uni.createFrom().item(() -> {
            CompletableFuture<Void> wake = signal.next();
            List<T> batch = reader.read(position.get(), batchSize);
            return new Batch<>(batch, wake);
        }).runSubscriptionOn(blockingExecutor).flatMap(read -> {
            if (!read.entries().isEmpty()) {
                position.set(sequenceOf.applyAsLong(read.entries().get(read.entries().size() - 1)));
                return Uni.createFrom().item(read.entries());
            }
            // A copy: the timeout cancels what it waits on, and the signal's future is shared by all streams.
            return Uni.createFrom().completionStage(read.wake().copy())
                    .ifNoItem().after(pollInterval).recoverWithItem((Void) null)
                    .replaceWith(List.<T>of());
        });
    }

    private record Batch<T>(List<T> entries, CompletableFuture<Void> wake) {
    }
}
