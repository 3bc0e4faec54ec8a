package meridian.conventions.watch;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.google.rpc.BadRequest;

import io.grpc.Status;
import meridian.conventions.errors.ServiceException;

/**
 * Opaque resume cursors of a watch stream: the sequence (or {@link LogPosition}) of a change log entry, tagged
 * with the stream it belongs to so a cursor of one stream is refused by another. A sequence-only cursor decodes
 * as the position {@code (0, sequence)}, so a log can move to {@link TransactionOrder} without breaking the
 * cursors its clients hold.
 */
public final class Cursors {

    private final String stream;

    public Cursors(String stream) {
        this.stream = stream;
    }

    public String encode(long sequence) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((stream + ":" + sequence).getBytes(StandardCharsets.UTF_8));
    }

    public String encode(LogPosition position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (stream + ":" + position.tx() + "." + position.seq()).getBytes(StandardCharsets.UTF_8));
    }

    /** The sequence of {@code cursor}; INVALID_ARGUMENT reason INVALID_CURSOR on field {@code field} if malformed. */
    public long decode(String cursor, String field) {
        LogPosition position = decodePosition(cursor, field);
        if (position.tx() != 0) {
            throw invalid(field);
        }
        return position.seq();
    }

    /** The position of {@code cursor}; INVALID_ARGUMENT reason INVALID_CURSOR on field {@code field} if malformed. */
    public LogPosition decodePosition(String cursor, String field) {
        String prefix = stream + ":";
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (raw.startsWith(prefix)) {
                String value = raw.substring(prefix.length());
                int dot = value.indexOf('.');
                return dot < 0 ? new LogPosition(0, Long.parseLong(value))
                        : new LogPosition(Long.parseLong(value.substring(0, dot)),
                                Long.parseLong(value.substring(dot + 1)));
            }
        } catch (IllegalArgumentException e) {
            // falls through to the contract's error (NumberFormatException, negative position, bad Base64)
        }
        throw invalid(field);
    }

    private static ServiceException invalid(String field) {
        String description = "not a cursor issued by this stream";
        return new ServiceException(Status.Code.INVALID_ARGUMENT, "INVALID_CURSOR", field + ": " + description)
                .withDetail(BadRequest.newBuilder()
                        .addFieldViolations(ServiceException.fieldViolation(field, description)).build());
    }

    /** FAILED_PRECONDITION reason CURSOR_EXPIRED: the cursor is older than what the log keeps. */
    public static ServiceException expired(String resyncHint) {
        return new ServiceException(Status.Code.FAILED_PRECONDITION, "CURSOR_EXPIRED",
                "the cursor is older than the change log retention; " + resyncHint);
    }
}
