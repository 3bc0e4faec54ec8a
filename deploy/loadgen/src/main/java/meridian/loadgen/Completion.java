package meridian.loadgen;

/** How one operation ended; exactly one of the two is called. */
public interface Completion {

    /** The response arrived and was what the scenario expected. */
    void ok();

    /** The call failed with a gRPC status code name, or the response was wrong ({@link Outcomes#INVALID}). */
    void error(String code);
}
