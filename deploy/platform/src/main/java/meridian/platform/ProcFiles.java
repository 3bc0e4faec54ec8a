package meridian.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** What Linux' /proc says of a process: the CPU time it used and its memory fields. Empty once it is gone. */
public final class ProcFiles {

    /** /proc/<pid>/stat counts CPU time in ticks of 1/100 s on every platform the JDK supports. */
    public static final double TICKS_PER_SECOND = 100.0;

    private ProcFiles() {
    }

    /** User plus system CPU time in clock ticks (utime and stime of /proc/<pid>/stat). */
    public static OptionalLong cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The fields after "(comm) " (the command name may hold spaces): utime and stime are fields 14 and 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields.length > 12 ? OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]))
                    : OptionalLong.empty();
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }

    /**
     * The HotSpot JIT compiler threads of JVM {@code pid} (named "C1 CompilerThreadN" / "C2 CompilerThreadN", cut to
     * 15 characters in comm); their ids also have a /proc/<tid>/stat of their own, so {@link #cpuTicks} reads them.
     */
    public static List<Long> jitCompilerThreads(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.filter(task -> {
                try {
                    String comm = Files.readString(task.resolve("comm"));
                    return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            }).map(task -> Long.parseLong(task.getFileName().toString())).toList();
        } catch (IOException | RuntimeException gone) {
            return List.of();
        }
    }

    /** A kB field of /proc/<pid>/{@code file}: {@code field} "VmRSS:" of status, "Pss:" of smaps_rollup. */
    public static OptionalLong memoryKb(long pid, String file, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            return lines.filter(l -> l.startsWith(field)).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst();
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }
}
