package meridian.conventions.idempotency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

/**
 * The payload hash stored beside an idempotency key (AIP-155): SHA-256 of the deterministic
 * serialization of the request without its request_id, so a retry with the same key is recognised
 * as the same request and the same key with another payload is refused. A stream is hashed over
 * all of its messages in order.
 */
public final class RequestFingerprint {

    /** The AIP-155 idempotency key field: left out of the fingerprint, unique per call by design. */
    public static final String REQUEST_ID_FIELD = "request_id";

    private final MessageDigest digest;

    private RequestFingerprint() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fingerprint of one request. */
    public static String of(Message request) {
        return stream().add(request).hex();
    }

    /** An accumulator for the messages of a stream. */
    public static RequestFingerprint stream() {
        return new RequestFingerprint();
    }

    public RequestFingerprint add(Message message) {
        FieldDescriptor requestId = message.getDescriptorForType().findFieldByName(REQUEST_ID_FIELD);
        if (requestId != null && isFirstString(requestId)) {
            // Serialized in field order, a set request_id is the prefix: hash what follows it (the same bytes as
            // serializing a copy without it, without the copy; a stream hashes every message).
            String id = (String) message.getField(requestId);
            byte[] bytes = serialize(message);
            int skip = id.isEmpty() ? 0 : CodedOutputStream.computeStringSize(requestId.getNumber(), id);
            digest.update(intBytes(bytes.length - skip));
            digest.update(bytes, skip, bytes.length - skip);
            return this;
        }
        byte[] bytes = serialize(withoutRequestId(message, requestId));
        digest.update(intBytes(bytes.length));
        digest.update(bytes);
        return this;
    }

    private static byte[] serialize(Message payload) {
        byte[] bytes = new byte[payload.getSerializedSize()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            payload.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** A singular string field numbered below every other field of its message. */
    private static boolean isFirstString(FieldDescriptor field) {
        if (field.isRepeated() || field.getJavaType() != FieldDescriptor.JavaType.STRING
                || field.getContainingType().isExtendable()) {
            return false;
        }
        for (FieldDescriptor other : field.getContainingType().getFields()) {
            if (other.getNumber() < field.getNumber()) {
                return false;
            }
        }
        return true;
    }

    public String hex() {
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Message withoutRequestId(Message message, FieldDescriptor requestId) {
        return requestId == null ? message : message.toBuilder().clearField(requestId).build();
    }

    private static byte[] intBytes(int value) {
        return new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
    }
}
