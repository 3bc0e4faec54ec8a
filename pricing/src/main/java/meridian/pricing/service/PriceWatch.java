package meridian.pricing.service;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import meridian.conventions.watch.ChangeLogTail;
import meridian.conventions.watch.CommitSignal;
import meridian.conventions.watch.Cursors;
import meridian.conventions.watch.LogPosition;
import meridian.pricing.config.PricingConfig;
import meridian.pricing.persistence.PriceChangeLog;
import meridian.pricing.persistence.PriceChangeLog.Entry;
import meridian.pricing.v1.PriceChange;

/** The price change log: appends and resumable, back-pressured WatchPrices streams. */
@ApplicationScoped
public class PriceWatch {

    private static final Logger LOG = Logger.getLogger(PriceWatch.class);

    private final CommitSignal signal = new CommitSignal();
    private final Cursors cursors = new Cursors("prices");
    private final AtomicLong entriesRead = new AtomicLong();

    @Inject
    PriceChangeLog log;

    @Inject
    PricingConfig config;

    @Inject
    Clock clock;

    /** Appends a change in the caller's transaction. */
    void append(PriceChange.Builder change, Instant now) {
        log.append(change.setCreateTime(PricingMessages.timestamp(now)).build().toByteArray(), now);
    }

    /** Wakes the watch streams; call after the appending transaction committed. */
    void committed() {
        signal.committed();
    }

    /**
     * The position a watch with {@code startCursor} follows from: the head for an empty cursor; INVALID_CURSOR
     * when malformed; CURSOR_EXPIRED when the log was pruned past it. Blocking; call before the stream starts so
     * a bad cursor fails the call itself.
     */
    public LogPosition startAfter(String startCursor) {
        if (startCursor.isEmpty()) {
            return QuarkusTransaction.requiringNew().call(log::head);
        }
        LogPosition cursor = cursors.decodePosition(startCursor, "start_cursor");
        if (QuarkusTransaction.requiringNew().call(() -> log.expired(cursor))) {
            throw Cursors.expired("resync with ListPrices and ListPromotions");
        }
        return cursor;
    }

    /** Every change after {@code after}, then each new one as it commits, until cancelled. */
    public Multi<PriceChange> follow(LogPosition after) {
        ChangeLogTail<Entry> tail = ChangeLogTail.byPosition(this::read, Entry::position, signal,
                config.watchBatchSize(), config.watchPollInterval());
        return tail.follow(after).map(this::toChange);
    }

    /** Change log entries read by all watch streams so far (shows back-pressure and cancellation). */
    public long entriesRead() {
        return entriesRead.get();
    }

    private List<Entry> read(LogPosition after, int limit) {
        List<Entry> batch = QuarkusTransaction.requiringNew().call(() -> log.readAfter(after, limit));
        entriesRead.addAndGet(batch.size());
        return batch;
    }

    private PriceChange toChange(Entry entry) {
        try {
            return PriceChange.parseFrom(entry.change()).toBuilder().setCursor(cursors.encode(entry.position())).build();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("price change " + entry.position() + " is unreadable", e);
        }
    }

    /** Drops changes older than the retention; their cursors then get CURSOR_EXPIRED. */
    @Scheduled(every = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void prune() {
        int deleted = QuarkusTransaction.requiringNew()
                .call(() -> log.prune(clock.instant().minus(config.changeLogRetention())));
        if (deleted > 0) {
            LOG.infof("pruned %d price changes older than %s", deleted, config.changeLogRetention());
        }
    }
}
