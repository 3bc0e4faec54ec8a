package meridian.orders.service;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import com.google.protobuf.InvalidProtocolBufferException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import meridian.conventions.watch.ChangeLogTail;
import meridian.conventions.watch.CommitSignal;
import meridian.conventions.watch.Cursors;
import meridian.conventions.watch.LogPosition;
import meridian.orders.config.OrdersConfig;
import meridian.orders.persistence.OrderEventLog;
import meridian.orders.persistence.OrderStatus;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderEvent;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.WatchOrderEventsRequest;

/** The order event stream: resumable from a cursor, in transaction order (see OrderEventLog), with backpressure. */
@ApplicationScoped
public class OrderEventStream {

    static final String START_CURSOR = "start_cursor";

    private final Cursors cursors = new Cursors("orders.events");
    private final CommitSignal signal = new CommitSignal();
    private final OrderEventLog log;
    private final OrdersConfig config;
    private final Clock clock;

    public OrderEventStream(OrderEventLog log, OrdersConfig config, Clock clock) {
        this.log = log;
        this.config = config;
        this.clock = clock;
    }

    /** After a rollback too: an older transaction ending may let newer events through. */
    void onCommit(@Observes(during = TransactionPhase.AFTER_COMPLETION) OrderStore.EventsAppended appended) {
        signal.committed();
    }

    /** Every event after the request's cursor (or from the head), then new ones as they commit. */
    public Multi<OrderEvent> watch(WatchOrderEventsRequest request) {
        String customer = request.getCustomerId();
        ChangeLogTail<OrderEventLog.Entry> tail = ChangeLogTail.byPosition(
                (after, limit) -> log.read(after, customer, limit), OrderEventLog.Entry::position, signal,
                config.events().batchSize(), config.events().pollInterval());
        return Uni.createFrom().item(() -> startAfter(request.getStartCursor()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToMulti(tail::follow)
                .map(this::toProto);
    }

    /** The position to stream after; validated before streaming. */
    LogPosition startAfter(String cursor) {
        if (cursor.isEmpty()) {
            return log.head();
        }
        LogPosition after = cursors.decodePosition(cursor, START_CURSOR);
        if (log.expired(after)) {
            throw Cursors.expired("resync with ListOrders and watch from the current head");
        }
        return after;
    }

    /** Retention: old events go; a cursor before them is then CURSOR_EXPIRED. */
    @Scheduled(every = "1h", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void deleteExpired() {
        QuarkusTransaction.requiringNew()
                .run(() -> log.deleteOlderThan(clock.instant().minus(config.events().retention())));
    }

    private OrderEvent toProto(OrderEventLog.Entry e) {
        try {
            return OrderEvent.newBuilder()
                    .setCursor(cursors.encode(e.position()))
                    .setOrder("orders/" + e.orderId())
                    .setFromState(e.fromState().equals("UNSPECIFIED") ? OrderState.ORDER_STATE_UNSPECIFIED
                            : OrderStatus.valueOf(e.fromState()).toProto())
                    .setToState(OrderStatus.valueOf(e.toState()).toProto())
                    .setSnapshot(Order.parseFrom(e.snapshot()))
                    .setMessage(e.message())
                    .setCreateTime(OrderProtos.timestamp(e.createTime()))
                    .build();
        } catch (InvalidProtocolBufferException ex) {
            throw new IllegalStateException("stored order event " + e.position() + " is corrupt", ex);
        }
    }
}
