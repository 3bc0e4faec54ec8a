package meridian.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import meridian.orders.v1.OrdersServiceGrpc;

/**
 * Measures, per service in JVM mode, the time from process start to gRPC SERVING and the peak resident memory
 * (VmRSS) under a short PlaceOrder load; median of 5 repetitions. Start-up is also given as the CPU time the
 * service used until SERVING, which a shared, busy machine distorts far less than the wall-clock time. Not part of the suite (no *Test name, no
 * assertions): run with ./mvnw -B test -pl deploy/platform -Dtest=StartupAndMemoryBenchmark. The numbers go to
 * deploy/k8s/README.md ("Measured").
 */
class StartupAndMemoryBenchmark {

    /** -Dmeridian.benchmark.repetitions=1 for a quick look while trying settings. */
    private static final int REPETITIONS = Integer.getInteger("meridian.benchmark.repetitions", 5);
    private static final int LOAD_THREADS = 4;
    private static final Duration LOAD_DURATION = Duration.ofSeconds(10);
    /** The memory a JVM sees under the pods' limit (the container's cgroup limit; here simulated). */
    private static final List<String> CONTAINER_JVM = List.of("-XX:MaxRAM=512m");
    /**
     * The /proc/<pid>/status fields whose peaks are kept. VmRSS counts the pages of the mapped AOT cache file too
     * (shareable and reclaimable); RssAnon is the process' own memory (heap, metaspace, code, stacks, malloc).
     */
    private static final List<String> MEMORY_FIELDS = List.of("VmRSS", "RssAnon");

    @Test
    void measureStartupToServingAndRssUnderLoad() throws Exception {
        Path root = Path.of(System.getProperty("meridian.root", "../..")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("meridian-benchmark");
        Map<String, List<Long>> startupMillis = new LinkedHashMap<>();
        Map<String, List<Long>> startupCpuMillis = new LinkedHashMap<>();
        Map<String, Map<String, List<Long>>> peakMiB = new LinkedHashMap<>();
        List<String> loadSummaries = new ArrayList<>();
        // -Dmeridian.benchmark.jvm-options="..." adds JVM options, to compare settings against the same build.
        List<String> jvm = new ArrayList<>(CONTAINER_JVM);
        jvm.addAll(List.of(System.getProperty("meridian.benchmark.jvm-options", "").split("\\s+")).stream()
                .filter(option -> !option.isBlank()).toList());
        System.out.println("[benchmark] JVM options " + jvm);
        try (LocalPlatform platform = LocalPlatform.start(new LocalPlatform.Options(root, null, work.resolve("logs"), 0,
                Map.of(), null, jvm), step -> System.out.println("[benchmark] " + step))) {
            ManagedChannel inventory = channel(platform.port("inventory"));
            ManagedChannel pricing = channel(platform.port("pricing"));
            ManagedChannel orders = channel(platform.port("orders"));
            Fixtures f = new Fixtures(inventory, pricing);
            String sku = f.sku("MUG");
            f.price(sku, 8, 0);
            f.receive(sku, 10_000_000);
            for (int repetition = 0; repetition < REPETITIONS; repetition++) {
                // One service at a time, the others running, so start-ups do not compete for the two cores.
                for (String service : LocalPlatform.SERVICES) {
                    ServiceProcess process = platform.service(service);
                    process.stop();
                    long started = System.nanoTime();
                    process.start();
                    process.awaitServing(Duration.ofSeconds(90), Duration.ofMillis(20));
                    startupMillis.computeIfAbsent(service, s -> new ArrayList<>())
                            .add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                    startupCpuMillis.computeIfAbsent(service, s -> new ArrayList<>())
                            .add(cpuMillis(process.pid().orElseThrow()));
                }
                platform.service("orders").awaitServing(Duration.ofSeconds(90));
                Map<String, Map<String, Long>> peaks = new ConcurrentHashMap<>();
                loadSummaries.add(placeOrdersWhileSampling(platform, orders, f, sku, peaks));
                peaks.forEach((field, byService) -> byService.forEach((service, kib) -> peakMiB
                        .computeIfAbsent(field, x -> new LinkedHashMap<>())
                        .computeIfAbsent(service, x -> new ArrayList<>()).add(kib / 1024)));
            }
            inventory.shutdownNow();
            pricing.shutdownNow();
            orders.shutdownNow();
        }
        StringBuilder report = new StringBuilder("service | start-up to SERVING, ms: median (runs)"
                + " | CPU time to SERVING, ms: median (runs)");
        MEMORY_FIELDS.forEach(field -> report.append(" | peak ").append(field).append(" under load, MiB: median (runs)"));
        report.append('\n');
        for (String service : LocalPlatform.SERVICES) {
            report.append(service).append(" | ").append(median(startupMillis.get(service))).append(" ")
                    .append(startupMillis.get(service));
            report.append(" | ").append(median(startupCpuMillis.get(service))).append(" ")
                    .append(startupCpuMillis.get(service));
            for (String field : MEMORY_FIELDS) {
                List<Long> runs = peakMiB.get(field).get(service);
                report.append(" | ").append(median(runs)).append(" ").append(runs);
            }
            report.append('\n');
        }
        report.append("load per run: ").append(loadSummaries).append('\n');
        System.out.print(report);
        Files.writeString(Path.of("target", "startup-and-memory.txt"), report);
    }

    /** PlaceOrder from several threads for LOAD_DURATION while sampling each service's MEMORY_FIELDS; keeps the peaks. */
    private static String placeOrdersWhileSampling(LocalPlatform platform, ManagedChannel orders, Fixtures f, String sku,
            Map<String, Map<String, Long>> peaks) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong placed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService load = Executors.newFixedThreadPool(LOAD_THREADS);
        for (int t = 0; t < LOAD_THREADS; t++) {
            load.submit(() -> {
                while (!stop.get()) {
                    try {
                        OrdersServiceGrpc.newBlockingStub(orders).withDeadlineAfter(20, TimeUnit.SECONDS)
                                .placeOrder(f.order(false, sku, 1));
                        placed.incrementAndGet();
                    } catch (StatusRuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        Map<String, Long> cpuBefore = new LinkedHashMap<>();
        for (String service : LocalPlatform.SERVICES) {
            cpuBefore.put(service, cpuMillis(platform.service(service).pid().orElseThrow()));
        }
        long end = System.nanoTime() + LOAD_DURATION.toNanos();
        while (System.nanoTime() < end) {
            for (String service : LocalPlatform.SERVICES) {
                long pid = platform.service(service).pid().orElseThrow();
                for (String field : MEMORY_FIELDS) {
                    peaks.computeIfAbsent(field, x -> new ConcurrentHashMap<>())
                            .merge(service, statusKiB(pid, field), Math::max);
                }
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        stop.set(true);
        load.shutdown();
        load.awaitTermination(60, TimeUnit.SECONDS);
        // CPU per order of each service over the load window: a JVM setting that saves memory at the cost of
        // steady-state speed shows here, whatever else runs on the machine.
        StringBuilder cpuPerOrder = new StringBuilder();
        for (String service : LocalPlatform.SERVICES) {
            long cpu = cpuMillis(platform.service(service).pid().orElseThrow()) - cpuBefore.get(service);
            cpuPerOrder.append(' ').append(service).append('=')
                    .append(String.format(java.util.Locale.ROOT, "%.1f", (double) cpu / Math.max(1, placed.get())));
        }
        return placed.get() + " placed/" + failed.get() + " failed in " + LOAD_DURATION.toSeconds() + " s, CPU ms/order"
                + cpuPerOrder;
    }

    private static long statusKiB(long pid, String field) {
        return ProcFiles.memoryKb(pid, "status", field + ":").orElseThrow();
    }

    /**
     * User plus system CPU time the process has used: the start-up's cost, which, unlike its wall-clock time, does
     * not grow when other work on the machine competes for the cores.
     */
    private static long cpuMillis(long pid) {
        return Math.round(ProcFiles.cpuTicks(pid).orElseThrow() * 1000 / ProcFiles.TICKS_PER_SECOND);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    }
}
