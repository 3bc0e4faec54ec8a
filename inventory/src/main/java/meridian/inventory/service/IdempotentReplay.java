package meridian.inventory.service;

import java.util.UUID;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import meridian.conventions.errors.ServiceException;
import meridian.inventory.persistence.IdempotencyKeyRepository.StoredRequest;

/** The answer to a repeated request_id (AIP-155): the stored response, or REQUEST_ID_REUSED. */
final class IdempotentReplay {

    private IdempotentReplay() {
    }

    static <T extends Message> T replay(StoredRequest stored, UUID requestId, String operation, String fingerprint,
            Parser<T> parser) {
        check(stored, requestId, operation, fingerprint);
        try {
            return parser.parseFrom(stored.response());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored response of " + operation + " is unreadable", e);
        }
    }

    /** REQUEST_ID_REUSED unless the earlier call was this same request. */
    static void check(StoredRequest stored, UUID requestId, String operation, String fingerprint) {
        if (!stored.operation().equals(operation) || !stored.fingerprint().equals(fingerprint)) {
            throw ServiceException.requestIdReused(requestId.toString());
        }
    }
}
