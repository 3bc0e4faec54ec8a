package meridian.conventions.paging;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import meridian.conventions.errors.ServiceException;

/**
 * AIP-158 page tokens: the keyset position after the last item of a page, bound to the query that
 * produced it, so a token used with other filters is refused instead of silently skipping rows.
 */
public final class PageTokens {

    /** page_size 0 means this many. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    private static final char SEPARATOR = '\u001f';

    private PageTokens() {
    }

    public static int pageSize(int requested) {
        return requested == 0 ? DEFAULT_PAGE_SIZE : requested;
    }

    /** A token for the page after {@code lastKey}, under the query described by {@code queryParts}. */
    public static String encode(List<String> queryParts, List<String> lastKey) {
        String raw = fingerprint(queryParts) + SEPARATOR + String.join(String.valueOf(SEPARATOR), lastKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The keyset position in {@code token}; empty list for an empty token. INVALID_ARGUMENT on
     * page_token when the token is malformed, was issued for another query, or has another key size.
     */
    public static List<String> decode(String token, List<String> queryParts, int keySize) {
        if (token.isEmpty()) {
            return List.of();
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
                    .split(String.valueOf(SEPARATOR), -1);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (parts.length != keySize + 1 || !parts[0].equals(fingerprint(queryParts))) {
            throw invalid();
        }
        return Arrays.asList(parts).subList(1, parts.length);
    }

    private static ServiceException invalid() {
        return ServiceException.invalidField("page_token",
                "not a page token issued for this query; start again without page_token");
    }

    private static String fingerprint(List<String> queryParts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : queryParts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
