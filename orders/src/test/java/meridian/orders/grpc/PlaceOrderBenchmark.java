package meridian.orders.grpc;

import static meridian.orders.testing.OrdersTestSupport.customer;
import static meridian.orders.testing.OrdersTestSupport.line;
import static meridian.orders.testing.OrdersTestSupport.order;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import io.quarkus.test.junit.QuarkusTest;
import meridian.orders.testing.OrdersGrpcTest;

/**
 * Orders-side cost of PlaceOrder with two lines against the in-JVM fakes (not the 500/s acceptance
 * benchmark, which needs the real services). Run: -Dtest=PlaceOrderBenchmark -Dbench.orders=true
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "bench.orders", matches = "true")
class PlaceOrderBenchmark extends OrdersGrpcTest {

    static final String LOCATION = "bench-1";

    @Test
    void placeOrderThroughputAndLatency() throws Exception {
        String a = stocked(LOCATION, "bench-a", "1.25", 100_000_000);
        String b = stocked(LOCATION, "bench-b", "2.50", 100_000_000);
        String customer = customer("bench");
        Runnable one = () -> orders.withDeadlineAfter(10, TimeUnit.SECONDS)
                .placeOrder(order(customer, LOCATION, line(a, 1), line(b, 2)).build());
        for (int i = 0; i < 500; i++) {
            one.run();
        }
        // Closed loop: 16 clients as fast as they can.
        List<Long> closed = run(16, 4000, 0, one);
        // Open loop at a fixed rate.
        double max = report("closed loop, 16 clients", closed);
        int rate = (int) Math.max(50, max / 2);
        report("open loop at " + rate + "/s", run(32, rate * 10, rate, one));
    }

    /** Latencies (ns) of {@code total} calls by {@code clients} threads; {@code rate} > 0 paces the starts. */
    static List<Long> run(int clients, int total, int rate, Runnable call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Long>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = rate > 0 ? start + i * 1_000_000_000L / rate : 0;
            futures.add(pool.submit(() -> {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                long t0 = rate > 0 ? Math.max(due, System.nanoTime()) : System.nanoTime();
                call.run();
                return System.nanoTime() - t0;
            }));
        }
        List<Long> latencies = new ArrayList<>();
        for (Future<Long> f : futures) {
            latencies.add(f.get());
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        latencies.add(0, elapsed);
        return latencies;
    }

    static double report(String label, List<Long> result) {
        long elapsed = result.get(0);
        List<Long> latencies = new ArrayList<>(result.subList(1, result.size()));
        Collections.sort(latencies);
        double perSecond = latencies.size() / (elapsed / 1e9);
        System.out.printf("BENCH %s: %d orders, %.0f orders/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", label,
                latencies.size(), perSecond, pct(latencies, 0.50), pct(latencies, 0.99),
                latencies.get(latencies.size() - 1) / 1e6);
        return perSecond;
    }

    static double pct(List<Long> sorted, double p) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
