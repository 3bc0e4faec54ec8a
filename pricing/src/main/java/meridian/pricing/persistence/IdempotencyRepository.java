package meridian.pricing.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

/** AIP-155 keys of the admin upserts, written in the transaction of their effect. */
@ApplicationScoped
public class IdempotencyRepository {

    /** What an earlier request with the same id stored. */
    public record StoredRequest(String operation, String fingerprint, byte[] response) {
    }

    @Inject
    EntityManager em;

    /**
     * Claims {@code requestId}; a concurrent claim of the same id waits for the first transaction. Returns
     * null when claimed, else the earlier request (committed).
     */
    public StoredRequest claim(UUID requestId, String operation, String fingerprint, Instant now) {
        int inserted = em.createNativeQuery("""
                INSERT INTO idempotency_key (request_id, operation, fingerprint, create_time)
                VALUES (:id, :operation, :fingerprint, :now) ON CONFLICT (request_id) DO NOTHING""")
                .setParameter("id", requestId).setParameter("operation", operation)
                .setParameter("fingerprint", fingerprint).setParameter("now", now).executeUpdate();
        if (inserted == 1) {
            return null;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                "SELECT operation, fingerprint, response FROM idempotency_key WHERE request_id = :id")
                .setParameter("id", requestId).getResultList();
        Object[] row = rows.get(0);
        return new StoredRequest((String) row[0], (String) row[1], (byte[]) row[2]);
    }

    public void storeResponse(UUID requestId, byte[] response) {
        em.createNativeQuery("UPDATE idempotency_key SET response = :response WHERE request_id = :id")
                .setParameter("response", response).setParameter("id", requestId).executeUpdate();
    }
}
