package meridian.loadgen;

/**
 * One kind of operation the load generator repeats: a unary call, a line on a shared stream, a whole stream.
 * Implementations validate every response and must end every operation through its {@link Completion}.
 */
public interface Scenario extends AutoCloseable {

    String name();

    /** What one operation is, for the report ("call", "line", "order", "event"). */
    default String unit() {
        return "call";
    }

    /** Starts one operation on connection {@code connection} (0 .. connections-1); must not block. */
    void start(int connection, Completion done);

    /** Ends streams the scenario keeps open. */
    @Override
    default void close() {
    }

    /** Starts one operation. */
    @FunctionalInterface
    interface Operation {
        void start(int connection, Completion done);
    }

    static Scenario of(String name, String unit, Operation operation) {
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String unit() {
                return unit;
            }

            @Override
            public void start(int connection, Completion done) {
                operation.start(connection, done);
            }
        };
    }
}
