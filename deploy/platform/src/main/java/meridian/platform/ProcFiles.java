package meridian.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
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
            return OptionalLong.of(ticksOf(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }

    /** utime + stime of a stat file's text. */
    private static long ticksOf(String stat) {
        // The fields after "(comm) " (the command name may hold spaces): utime and stime are fields 14 and 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * CPU ticks of each HotSpot JIT compiler thread of JVM {@code pid} (named "C1 CompilerThreadN" / "C2
     * CompilerThreadN", cut to 15 characters in comm), by thread id. Read from /proc/<pid>/task/<tid>/stat: the
     * hidden /proc/<tid>/stat would count the whole process.
     */
    public static Map<Long, Long> jitCompilerTicks(long pid) {
        Map<Long, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String comm = Files.readString(task.resolve("comm"));
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        ticks.put(Long.parseLong(task.getFileName().toString()), ticksOf(Files.readString(task.resolve("stat"))));
                    }
                } catch (IOException | RuntimeException gone) {
                    // The thread ended (HotSpot stops idle compiler threads).
                }
            });
        } catch (IOException | RuntimeException gone) {
            return Map.of();
        }
        return ticks;
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
