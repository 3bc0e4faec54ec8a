package meridian.inventory.service;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.google.rpc.BadRequest;

import meridian.conventions.errors.ErrorReasons;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.validation.RequestValidator;
import meridian.inventory.persistence.StockKey;
import meridian.inventory.v1.AdjustStockRequest;
import meridian.inventory.v1.ErrorReason;
import meridian.inventory.v1.RejectedAdjustment;
import meridian.inventory.v1.StockAdjustment;

/**
 * One AdjustStock feed as it arrives: every line is validated on receipt (a bad line is kept as a
 * rejection, it does not abort the feed); the request_id must be the same in every message.
 * Nothing touches the database until the client half-closes.
 */
public final class StockFeed {

    /** A line that passed validation, with its index in the feed. */
    public record Line(long index, StockKey key, long delta, String reason, String note) {
    }

    private static final int MAX_LINES_PER_MESSAGE = 10_000;

    private final RequestValidator validator;
    private final int maxLines;
    private final RequestFingerprint fingerprint = RequestFingerprint.stream();
    private final List<Line> lines = new ArrayList<>();
    private final List<RejectedAdjustment> rejections = new ArrayList<>();
    private String requestId;
    private long received;

    StockFeed(RequestValidator validator, int maxLines) {
        this.validator = validator;
        this.maxLines = maxLines;
    }

    public StockFeed add(AdjustStockRequest message) {
        if (requestId == null) {
            validator.check(message.toBuilder().clearAdjustments().build());
            requestId = message.getRequestId();
        } else if (!requestId.equals(message.getRequestId())) {
            throw ServiceException.invalidField("request_id", "must be the same in every message of a feed");
        }
        if (message.getAdjustmentsCount() > MAX_LINES_PER_MESSAGE) {
            throw ServiceException.invalidField("adjustments",
                    "at most " + MAX_LINES_PER_MESSAGE + " adjustments per message");
        }
        if (received + message.getAdjustmentsCount() > maxLines) {
            throw ServiceException.invalidField("adjustments", "a feed carries at most " + maxLines + " lines");
        }
        fingerprint.add(message);
        for (StockAdjustment adjustment : message.getAdjustmentsList()) {
            long index = received++;
            List<BadRequest.FieldViolation> violations = validator.violations(adjustment);
            if (violations.isEmpty()) {
                lines.add(new Line(index, new StockKey(adjustment.getLocationId(), adjustment.getSku()),
                        adjustment.getDelta(), ContractMessages.ledgerReason(adjustment.getReason()),
                        adjustment.getNote().isEmpty() ? null : adjustment.getNote()));
            } else {
                BadRequest.FieldViolation first = violations.get(0);
                rejections.add(RejectedAdjustment.newBuilder().setIndex(index)
                        .setReason(ErrorReasons.of(ErrorReason.ERROR_REASON_INVALID_REQUEST))
                        .setMessage(first.getField() + ": " + first.getDescription())
                        .setField(first.getField()).build());
            }
        }
        return this;
    }

    /** The feed's idempotency key; INVALID_ARGUMENT for a feed without any message. */
    public UUID requestId() {
        if (requestId == null) {
            throw ServiceException.invalidField("request_id", "a feed needs at least one message");
        }
        return UUID.fromString(requestId);
    }

    public String fingerprint() {
        return fingerprint.hex();
    }

    public long received() {
        return received;
    }

    public List<Line> lines() {
        return lines;
    }

    public List<RejectedAdjustment> rejections() {
        return rejections;
    }
}
