package meridian.orders.grpc;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import meridian.conventions.watch.Cursors;
import meridian.conventions.watch.LogPosition;
import meridian.orders.persistence.OrderEventLog;
import meridian.orders.testing.OrdersGrpcTest;
import meridian.orders.v1.Order;
import meridian.orders.v1.OrderEvent;
import meridian.orders.v1.OrderState;
import meridian.orders.v1.WatchOrderEventsRequest;
import meridian.orders.v1.WatchOrderEventsResponse;
import meridian.testing.GrpcAssertions;

/** The order event stream: transaction order, resumable without gap or duplicate, flow controlled. */
@QuarkusTest
class OrderEventsTest extends OrdersGrpcTest {

    static final String LOCATION = "vienna-1";

    @Inject
    OrderEventLog log;

    @Inject
    EntityManager em;

    /** Collects a stream's events; requests {@code initial} messages then as many as {@code autoRequest} says. */
    static final class Collector implements ClientResponseObserver<WatchOrderEventsRequest, WatchOrderEventsResponse> {
        final List<OrderEvent> events = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final int initial;
        final boolean autoRequest;
        volatile ClientCallStreamObserver<WatchOrderEventsRequest> call;

        Collector(int initial, boolean autoRequest) {
            this.initial = initial;
            this.autoRequest = autoRequest;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchOrderEventsRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(initial);
        }

        @Override
        public void onNext(WatchOrderEventsResponse value) {
            events.add(value.getEvent());
            if (autoRequest) {
                call.request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
        }

        void cancel() {
            call.cancel("test done", null);
        }

        List<String> cursors() {
            return events.stream().map(OrderEvent::getCursor).toList();
        }
    }

    Collector watch(String customer, String cursor, int initial, boolean autoRequest) {
        Collector collector = new Collector(initial, autoRequest);
        async.watchOrderEvents(WatchOrderEventsRequest.newBuilder().setCustomerId(customer).setStartCursor(cursor)
                .build(), collector);
        return collector;
    }

    Order place(String customer, String sku) {
        return orders.placeOrder(order(customer, LOCATION, line(sku, 1)).build()).getOrder();
    }

    static Predicate<OrderEvent> confirmedOf(Order order) {
        return e -> e.getOrder().equals(order.getName()) && e.getToState() == OrderState.ORDER_STATE_CONFIRMED;
    }

    @Test
    void resumingFromAnyCursorHasNoGapAndNoDuplicate() {
        String sku = stocked(LOCATION, "events", "2.00", 1000);
        String customer = customer("events");

        // A stream from the head sees what is placed after it started; its first event gives a cursor.
        Collector head = watch(customer, "", 100, true);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            place(customer, sku);
            return !head.events.isEmpty();
        });
        String start = head.events.get(0).getCursor();
        head.cancel();
        Order last = null;
        for (int i = 0; i < 3; i++) {
            last = place(customer, sku);
        }
        Order lastOrder = last;

        Collector full = watch(customer, start, 100, true);
        await().atMost(Duration.ofSeconds(20)).until(() -> full.events.stream().anyMatch(confirmedOf(lastOrder)));
        full.cancel();
        assertThat(full.cursors()).doesNotHaveDuplicates().doesNotContain(start);
        // Per order: PENDING then CONFIRMED, each once.
        assertThat(full.events.stream().filter(e -> e.getOrder().equals(lastOrder.getName())).map(OrderEvent::getToState))
                .containsExactly(OrderState.ORDER_STATE_PENDING, OrderState.ORDER_STATE_CONFIRMED);
        assertThat(full.events.get(full.events.size() - 1).getSnapshot()).isEqualTo(lastOrder);

        // Cut anywhere, resume from the last cursor received: the same events, in the same order.
        for (int cut = 1; cut < full.events.size(); cut += 2) {
            Collector part = watch(customer, start, cut, false);
            int size = cut;
            await().atMost(Duration.ofSeconds(20)).until(() -> part.events.size() == size);
            part.cancel();
            Collector rest = watch(customer, part.events.get(cut - 1).getCursor(), 100, true);
            await().atMost(Duration.ofSeconds(20)).until(() -> rest.events.stream().anyMatch(confirmedOf(lastOrder)));
            rest.cancel();
            List<String> resumed = new java.util.ArrayList<>(part.cursors());
            resumed.addAll(rest.cursors());
            assertThat(resumed).isEqualTo(full.cursors());
        }
    }

    @Test
    void aSequenceOnlyCursorIssuedBeforeTransactionOrderStillResumes() {
        String sku = stocked(LOCATION, "legacy", "2.00", 1000);
        String customer = customer("legacy");
        Order first = place(customer, sku);
        Order second = place(customer, sku);
        // Events written before migration V2 carry transaction 0; their cursors held the sequence only.
        List<Long> seqs = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "UPDATE order_event SET tx = '0' WHERE customer_id = :customer RETURNING seq", Long.class)
                .setParameter("customer", customer).getResultList()).stream().sorted().toList();
        String legacy = new Cursors("orders.events").encode(seqs.get(0));

        Collector resumed = watch(customer, legacy, 100, true);
        Order third = place(customer, sku);
        await().atMost(Duration.ofSeconds(20)).until(() -> resumed.events.stream().anyMatch(confirmedOf(third)));
        resumed.cancel();
        // The old events after the cursor in sequence order, then the new ones: no gap, no duplicate.
        assertThat(resumed.events.stream().map(e -> e.getOrder() + " " + e.getToState()).toList()).containsExactly(
                first.getName() + " ORDER_STATE_CONFIRMED",
                second.getName() + " ORDER_STATE_PENDING", second.getName() + " ORDER_STATE_CONFIRMED",
                third.getName() + " ORDER_STATE_PENDING", third.getName() + " ORDER_STATE_CONFIRMED");
    }

    @Test
    void aCursorWhoseEventRetentionDeletedIsCursorExpired() {
        String sku = stocked(LOCATION, "expired", "2.00", 1000);
        String customer = customer("expired");
        Collector head = watch(customer, "", 100, true);
        // The stream starts from the head when the server gets to it: place until it has seen an event.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            place(customer, sku);
            return !head.events.isEmpty();
        });
        Order last = place(customer, sku);
        await().atMost(Duration.ofSeconds(20)).until(() -> head.events.stream().anyMatch(confirmedOf(last)));
        head.cancel();
        // Retention deleted the event the cursor names: later ones remain, so what followed it may be gone too.
        LogPosition deleted = new Cursors("orders.events").decodePosition(head.events.get(0).getCursor(), "cursor");
        QuarkusTransaction.requiringNew().run(() -> assertThat(em.createNativeQuery("""
                DELETE FROM order_event WHERE tx = CAST(CAST(:tx AS text) AS xid8) AND seq = :seq""")
                .setParameter("tx", deleted.tx()).setParameter("seq", deleted.seq()).executeUpdate()).isOne());

        GrpcAssertions.assertStatus(() -> orders.watchOrderEvents(WatchOrderEventsRequest.newBuilder()
                .setCustomerId(customer).setStartCursor(head.events.get(0).getCursor()).build()).hasNext(),
                Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED");
        // The cursor of an event still kept resumes right after it.
        Collector kept = watch(customer, head.events.get(1).getCursor(), 1, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> !kept.events.isEmpty());
        kept.cancel();
        assertThat(kept.events.get(0).getCursor()).isEqualTo(head.events.get(2).getCursor());
    }

    @Test
    void retentionDeletesAPrefixOfTheLogSoAResumeNeverSkipsAnOlderStampedEvent() {
        String sku = stocked(LOCATION, "retention", "2.00", 1000);
        String customer = customer("retention");
        Collector head = watch(customer, "", 100, true);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            place(customer, sku);
            return !head.events.isEmpty();
        });
        head.cancel();
        String early = head.events.get(0).getCursor();
        // A later transaction's event stamped before the cutoff (its writer's clock read the time earlier): by time
        // alone, retention would delete it and keep the earlier events, and a resume from `early` would skip it.
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                INSERT INTO order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time)
                SELECT order_id, customer_id, from_state, to_state, message, snapshot, now() - interval '30 days'
                FROM order_event WHERE customer_id = :customer ORDER BY seq DESC LIMIT 1""")
                .setParameter("customer", customer).executeUpdate());
        place(customer, sku);

        QuarkusTransaction.requiringNew().run(() -> log.deleteOlderThan(Instant.now().minus(Duration.ofDays(7))));

        GrpcAssertions.assertStatus(() -> orders.watchOrderEvents(WatchOrderEventsRequest.newBuilder()
                .setCustomerId(customer).setStartCursor(early).build()).hasNext(),
                Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED");
    }

    @Test
    void malformedCursorIsInvalidCursor() {
        GrpcAssertions.assertStatus(() -> orders.watchOrderEvents(WatchOrderEventsRequest.newBuilder()
                .setStartCursor("bm90LWEtY3Vyc29y").build()).hasNext(), Status.Code.INVALID_ARGUMENT, "INVALID_CURSOR");
    }

    @Test
    void aSlowReaderDoesNotMakeTheServerReadAheadAndCancellingStopsTheReads() {
        String sku = stocked(LOCATION, "slow", "2.00", 10);
        String customer = customer("slow");
        Collector head = watch(customer, "", 1, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            place(customer, sku);
            return !head.events.isEmpty();
        });
        head.cancel();
        String start = head.events.get(0).getCursor();
        // A large backlog for this customer: far more than gRPC's flow control windows hold.
        int backlog = 20_000;
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                INSERT INTO order_event (order_id, customer_id, from_state, to_state, message, snapshot, create_time)
                SELECT e.order_id, e.customer_id, e.from_state, e.to_state, e.message, e.snapshot, e.create_time
                FROM order_event e, generate_series(1, :n)
                WHERE e.seq = (SELECT max(seq) FROM order_event WHERE customer_id = :customer)""")
                .setParameter("n", backlog).setParameter("customer", customer).executeUpdate());

        long before = log.rowsRead();
        Collector slow = watch(customer, start, 1, false);
        await().atMost(Duration.ofSeconds(20)).until(() -> slow.events.size() == 1);
        // Let the server read whatever it would read ahead, then check it stopped far short of the backlog.
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(20)).until(stableRowsRead());
        long readWhileSlow = log.rowsRead() - before;
        assertThat(readWhileSlow).isLessThan(backlog / 2);

        slow.call.request(10);
        await().atMost(Duration.ofSeconds(20)).until(() -> slow.events.size() == 11);
        slow.cancel();
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(20)).until(stableRowsRead());
        long afterCancel = log.rowsRead();
        place(customer, sku);
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20)).until(stableRowsRead());
        assertThat(log.rowsRead()).isEqualTo(afterCancel);
    }

    /** True once rowsRead did not move between two polls. */
    java.util.concurrent.Callable<Boolean> stableRowsRead() {
        long[] last = { -1 };
        return () -> {
            long now = log.rowsRead();
            boolean stable = now == last[0];
            last[0] = now;
            return stable;
        };
    }
}
