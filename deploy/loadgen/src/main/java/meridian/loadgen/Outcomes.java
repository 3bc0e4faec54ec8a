package meridian.loadgen;

import io.grpc.Status;

/** Maps what ended a call to the error classes of the report. */
public final class Outcomes {

    /** A response arrived with status OK but did not hold what was asked for. */
    public static final String INVALID = "INVALID_RESPONSE";
    /** The open loop had too many calls outstanding and skipped one (the server fell behind the rate). */
    public static final String BACKLOG = "CLIENT_BACKLOG";

    private Outcomes() {
    }

    public static String code(Throwable failure) {
        return Status.fromThrowable(failure).getCode().name();
    }

    /** Ends {@code done} with ok when {@code valid}, else with {@link #INVALID}. */
    public static void check(boolean valid, Completion done) {
        if (valid) {
            done.ok();
        } else {
            done.error(INVALID);
        }
    }
}
