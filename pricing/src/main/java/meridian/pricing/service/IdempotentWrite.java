package meridian.pricing.service;

import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;

import meridian.conventions.errors.ServiceException;
import meridian.pricing.persistence.IdempotencyRepository;
import meridian.pricing.persistence.IdempotencyRepository.StoredRequest;

/**
 * AIP-155 for the admin upserts, inside the caller's transaction: the first request with an id runs its
 * effect and stores its response; a retry with the same payload gets that response; another payload
 * gets REQUEST_ID_REUSED. Concurrent duplicates serialize on the key's unique index.
 */
@ApplicationScoped
public class IdempotentWrite {

    /** The response and whether this call made the change (false for a replay). */
    public record Result<R>(R response, boolean applied) {
    }

    @Inject
    IdempotencyRepository keys;

    public <R extends Message> Result<R> run(String requestId, String operation, String fingerprint, Instant now,
            Parser<R> parser, Supplier<R> effect) {
        UUID id = UUID.fromString(requestId);
        StoredRequest earlier = keys.claim(id, operation, fingerprint, now);
        if (earlier != null) {
            if (!earlier.operation().equals(operation) || !earlier.fingerprint().equals(fingerprint)) {
                throw ServiceException.requestIdReused(requestId);
            }
            try {
                return new Result<>(parser.parseFrom(earlier.response()), false);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("stored response of request " + requestId + " is unreadable", e);
            }
        }
        R response = effect.get();
        keys.storeResponse(id, response.toByteArray());
        return new Result<>(response, true);
    }
}
