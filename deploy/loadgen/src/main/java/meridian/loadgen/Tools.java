package meridian.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

/** The independent tools of the suite: h2load (HTTP/2 load, cross-checks the gRPC baselines) and pgbench. */
final class Tools {

    private static final Pattern H2LOAD_RATE = Pattern.compile("finished in [^,]+, ([0-9.]+) req/s");
    private static final Pattern H2LOAD_STATUS = Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, (\\d+) timeout");
    private static final Pattern H2LOAD_MEAN = Pattern.compile("time for request:\\s+\\S+\\s+\\S+\\s+(\\S+)");
    private static final Pattern PGBENCH_TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
    private static final Pattern PGBENCH_FAILED = Pattern.compile("number of failed transactions: (\\d+)");

    /** CPUs the client side runs on ("" = not pinned). */
    private final String clientCpus;

    Tools(String clientCpus) {
        this.clientCpus = clientCpus;
    }

    static boolean installed(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** One h2load run of unary gRPC calls: {@code body} is the gRPC frame (flag, length, message). */
    Measurement h2load(String url, byte[] body, int connections, int streams, int seconds, Path work) {
        Path data = work.resolve("h2load-body.bin");
        try {
            Files.createDirectories(work);
            Files.write(data, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String out = exec(work, List.of("h2load", "-c", Integer.toString(connections), "-m", Integer.toString(streams),
                "-t", "1", "-D", Integer.toString(seconds), "--warm-up-time=1", "-d", data.toString(), "-H",
                "content-type: application/grpc", "-H", "te: trailers", url), Map.of());
        double rate = parse(H2LOAD_RATE, out, "h2load rate");
        Matcher status = H2LOAD_STATUS.matcher(out);
        long succeeded = 0;
        long failed = 0;
        if (status.find()) {
            succeeded = Long.parseLong(status.group(3));
            failed = Long.parseLong(status.group(4)) + Long.parseLong(status.group(5)) + Long.parseLong(status.group(6));
        }
        Matcher mean = H2LOAD_MEAN.matcher(out);
        double meanMs = mean.find() ? durationMillis(mean.group(1)) : Double.NaN;
        return new Measurement(rate, succeeded, failed, null, meanMs);
    }

    /** One pgbench run; per-transaction latencies come from its log. */
    Measurement pgbench(List<String> connection, Map<String, String> env, List<String> script, int clients, int seconds,
            Path work) {
        Path logs = work.resolve("pgbench-logs-" + System.nanoTime());
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("pgbench", "-M", "prepared", "-n", "-c", Integer.toString(clients),
                "-j", "1", "-T", Integer.toString(seconds), "-l", "--log-prefix=" + logs.resolve("tx")));
        command.addAll(script);
        command.addAll(connection);
        String out = exec(logs, command, env);
        double tps = parse(PGBENCH_TPS, out, "pgbench tps");
        Matcher failed = PGBENCH_FAILED.matcher(out);
        Histogram latencies = new Histogram(3);
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.split(" ");
                    if (f.length >= 3) {
                        latencies.recordValue(Math.max(1, Long.parseLong(f[2])));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Measurement(tps, latencies.getTotalCount(), failed.find() ? Long.parseLong(failed.group(1)) : 0,
                latencies, latencies.getMean() / 1000.0);
    }

    /** What one external run measured; {@code latencies} (microseconds) when the tool logs each operation. */
    record Measurement(double perSecond, long ok, long failed, Histogram latencies, double meanMillis) {
    }

    String exec(Path directory, List<String> command, Map<String, String> env) {
        List<String> pinned = new ArrayList<>();
        if (!clientCpus.isEmpty()) {
            pinned.addAll(List.of("taskset", "-c", clientCpus));
        }
        pinned.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(pinned).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static double parse(Pattern pattern, String out, String what) {
        Matcher m = pattern.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + what + " in:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double durationMillis(String value) {
        if (value.endsWith("us")) {
            return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000;
        } else if (value.endsWith("ms")) {
            return Double.parseDouble(value.substring(0, value.length() - 2));
        } else if (value.endsWith("s")) {
            return Double.parseDouble(value.substring(0, value.length() - 1)) * 1000;
        }
        return Double.NaN;
    }
}
