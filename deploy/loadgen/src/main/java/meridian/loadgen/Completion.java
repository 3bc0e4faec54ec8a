package meridian.loadgen;

/** How one operation ended; exactly one of the two is called. */
public interface Completion {

    /** The response arrived and was what the scenario expected. */
    void ok();

    /** The call failed with a gRPC status code name, or the response was wrong ({@link Outcomes#INVALID}). */
    void error(String code);

    /** The call failed: classified by its gRPC status; the runner keeps one message per code as an example. */
    default void failed(Throwable failure) {
        error(Outcomes.code(failure));
    }
}
