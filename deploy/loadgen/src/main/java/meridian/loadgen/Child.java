package meridian.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server process the suite starts (a baseline), pinned to the server CPUs, its output in a log file. */
final class Child implements AutoCloseable {

    private final String name;
    private final Process process;
    private final long startNanos;
    private final Path log;

    private Child(String name, Process process, long startNanos, Path log) {
        this.name = name;
        this.process = process;
        this.startNanos = startNanos;
        this.log = log;
    }

    /**
     * Starts the process and then pins it, like the services (ServiceProcess starts them): every server JVM sizes
     * its GC and thread pools from the same CPU count.
     */
    static Child start(String name, List<String> command, String cpus, Path work) {
        Path log = work.resolve("logs").resolve(name + ".log");
        try {
            Files.createDirectories(log.getParent());
            long start = System.nanoTime();
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            pin(process.pid(), cpus);
            return new Child(name, process, start, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The pid of the service JVM this JVM started listening on {@code port} (ServiceProcess does not expose it). */
    static long pidOf(String name, int port) {
        String flag = "-Dquarkus.http.port=" + port;
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(flag)).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no process of " + name + " found"));
    }

    /** Moves every thread of a running process to {@code cpus} (threads it starts later inherit it). */
    static void pin(long pid, String cpus) {
        if (cpus.isEmpty()) {
            return;
        }
        try {
            Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
                throw new IllegalStateException("taskset could not pin process " + pid);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    long startNanos() {
        return startNanos;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
