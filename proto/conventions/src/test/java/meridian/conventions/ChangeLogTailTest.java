package meridian.conventions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import meridian.conventions.watch.ChangeLogTail;
import meridian.conventions.watch.CommitSignal;
import meridian.conventions.watch.LogPosition;

class ChangeLogTailTest {

    private final List<Long> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger rowsRead = new AtomicInteger();
    private final CommitSignal signal = new CommitSignal();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private ChangeLogTail<Long> tail(Duration poll) {
        return new ChangeLogTail<>((after, limit) -> {
            List<Long> batch = new ArrayList<>();
            for (Long seq : log) {
                if (seq > after && batch.size() < limit) {
                    batch.add(seq);
                }
            }
            rowsRead.addAndGet(batch.size());
            return batch;
        }, Long::longValue, signal, 10, poll, executor);
    }

    private void append(long from, long to) {
        for (long s = from; s <= to; s++) {
            log.add(s);
        }
        signal.committed();
    }

    @Test
    void deliversEveryEntryAfterTheCursorOnceThenNewCommits() {
        append(1, 25);
        AssertSubscriber<Long> subscriber = tail(Duration.ofMinutes(1)).follow(5).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        subscriber.awaitItems(20);
        append(26, 30);
        subscriber.awaitItems(25);
        List<Long> expected = new ArrayList<>();
        for (long s = 6; s <= 30; s++) {
            expected.add(s);
        }
        assertThat(subscriber.getItems()).containsExactlyElementsOf(expected);
        subscriber.cancel();
    }

    @Test
    void readsOnlyWhatTheSubscriberAskedForPlusOneBatch() throws InterruptedException {
        append(1, 1000);
        AssertSubscriber<Long> subscriber = tail(Duration.ofMinutes(1)).follow(0).subscribe()
                .withSubscriber(AssertSubscriber.create(3));
        subscriber.awaitItems(3);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(rowsRead.get()).isLessThanOrEqualTo(10);
        subscriber.request(12);
        subscriber.awaitItems(15);
        assertThat(rowsRead.get()).isLessThanOrEqualTo(20);
        subscriber.cancel();
        int afterCancel = rowsRead.get();
        append(1001, 1100);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(rowsRead.get()).isEqualTo(afterCancel);
    }

    @Test
    void aCaughtUpTailLetsCommitsGatherBeforeItReads() throws InterruptedException {
        List<Long> readTimes = new CopyOnWriteArrayList<>();
        ChangeLogTail<Long> timed = new ChangeLogTail<>((after, limit) -> {
            readTimes.add(System.nanoTime());
            return log.stream().filter(seq -> seq > after).limit(limit).toList();
        }, Long::longValue, signal, 10, Duration.ofMinutes(1), executor);
        AssertSubscriber<Long> subscriber = timed.follow(0).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        while (readTimes.isEmpty()) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        TimeUnit.MILLISECONDS.sleep(100); // caught up: waiting for the signal
        int readsBefore = readTimes.size();
        long committed = System.nanoTime();
        for (long seq = 1; seq <= 5; seq++) {
            append(seq, seq);
        }
        subscriber.awaitItems(5);
        assertThat(subscriber.getItems()).containsExactly(1L, 2L, 3L, 4L, 5L);
        // Five commits, one wake: the first read after them came no sooner than COALESCE after the first commit.
        assertThat(readTimes.get(readsBefore) - committed).isGreaterThanOrEqualTo(ChangeLogTail.COALESCE.toNanos());
        subscriber.cancel();
    }

    @Test
    void findsEntriesCommittedElsewhereByPolling() {
        AssertSubscriber<Long> subscriber = tail(Duration.ofMillis(50)).follow(0).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        log.add(1L); // no signal: another instance committed it
        subscriber.awaitItems(1);
        assertThat(subscriber.getItems()).containsExactly(1L);
        subscriber.cancel();
    }

    @Test
    void followsPositionsInTransactionOrderFromTheOneGiven() {
        List<LogPosition> positions = new CopyOnWriteArrayList<>(List.of(new LogPosition(7, 3), new LogPosition(7, 4),
                new LogPosition(9, 1), new LogPosition(9, 2)));
        ChangeLogTail<LogPosition> tail = ChangeLogTail.byPosition((after, limit) -> positions.stream().sorted()
                .filter(p -> p.compareTo(after) > 0).limit(limit).toList(), p -> p, signal, 1, Duration.ofMinutes(1),
                executor);
        AssertSubscriber<LogPosition> subscriber = tail.follow(new LogPosition(7, 3)).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        subscriber.awaitItems(3);
        // A later transaction's entry with a smaller sequence still comes after everything delivered.
        positions.add(new LogPosition(10, 0));
        signal.committed();
        subscriber.awaitItems(4);
        assertThat(subscriber.getItems()).containsExactly(new LogPosition(7, 4), new LogPosition(9, 1),
                new LogPosition(9, 2), new LogPosition(10, 0));
        subscriber.cancel();
    }

    /**
     * The way FlowControlledStream consumes a tail: one item at a time, asked for from another thread (the gRPC
     * on-ready handler) than the one that delivered the last item, with reads that sometimes find nothing new.
     * Every round must deliver every entry, in order.
     */
    @Test
    void oneAtATimeRequestsFromAnotherThreadGetEveryEntry() throws Exception {
        int entries = 2_000;
        ExecutorService requester = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 20; round++) {
                ChangeLogTail<Long> tail = new ChangeLogTail<>((after, limit) -> {
                    List<Long> batch = new ArrayList<>();
                    int size = ThreadLocalRandom.current().nextInt(0, limit + 1); // 0: caught up, wait for a commit
                    for (long seq = after + 1; seq <= entries && batch.size() < size; seq++) {
                        batch.add(seq);
                    }
                    return batch;
                }, Long::longValue, signal, 4, Duration.ofMillis(1), executor);
                List<Long> delivered = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> all = new CompletableFuture<>();
                CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
                tail.follow(0).subscribe().withSubscriber(new Flow.Subscriber<Long>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription.complete(s);
                        s.request(1);
                    }

                    @Override
                    public void onNext(Long item) {
                        delivered.add(item);
                        if (delivered.size() == entries) {
                            all.complete(null);
                        }
                        requester.execute(() -> subscription.join().request(1));
                    }

                    @Override
                    public void onError(Throwable failure) {
                        all.completeExceptionally(failure);
                    }

                    @Override
                    public void onComplete() {
                    }
                });
                try {
                    all.get(10, TimeUnit.SECONDS);
                } catch (TimeoutException stalled) {
                    throw new AssertionError("round " + round + " stalled after " + delivered.size() + " entries");
                } finally {
                    subscription.join().cancel();
                }
                assertThat(delivered).as("round %d", round)
                        .containsExactlyElementsOf(LongStream.rangeClosed(1, entries).boxed().toList());
            }
        } finally {
            requester.shutdownNow();
        }
    }
}
