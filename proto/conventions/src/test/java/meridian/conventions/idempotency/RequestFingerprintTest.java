package meridian.conventions.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;

/** Stored fingerprints are compared with new ones: the hash must stay what it was, however it is computed. */
class RequestFingerprintTest {

    @Test
    void hashIsThatOfTheRequestWithoutItsRequestId() throws Exception {
        FileDescriptor file = FileDescriptor.buildFrom(FileDescriptorProto.newBuilder()
                .setName("fingerprint_test.proto").setPackage("fingerprint.test").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("Line")
                        .addField(field("sku", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("quantity", 2, FieldDescriptorProto.Type.TYPE_INT64)))
                .addMessageType(DescriptorProto.newBuilder().setName("IdFirst")
                        .addField(field("request_id", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("currency_code", 2, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("line", 3, FieldDescriptorProto.Type.TYPE_MESSAGE)
                                .setTypeName(".fingerprint.test.Line")))
                .addMessageType(DescriptorProto.newBuilder().setName("IdLater")
                        .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING))
                        .addField(field("request_id", 2, FieldDescriptorProto.Type.TYPE_STRING)))
                .build(), new FileDescriptor[0]);
        Descriptor line = file.findMessageTypeByName("Line");
        Descriptor idFirst = file.findMessageTypeByName("IdFirst");
        Descriptor idLater = file.findMessageTypeByName("IdLater");
        Message aLine = DynamicMessage.newBuilder(line).setField(line.findFieldByName("sku"), "SKU-1")
                .setField(line.findFieldByName("quantity"), 300L).build();
        List<Message> messages = List.of(
                DynamicMessage.newBuilder(idFirst).setField(idFirst.findFieldByName("request_id"), "a".repeat(36))
                        .setField(idFirst.findFieldByName("currency_code"), "EUR")
                        .setField(idFirst.findFieldByName("line"), aLine).build(),
                // A request_id of 200 characters has a two-byte length.
                DynamicMessage.newBuilder(idFirst).setField(idFirst.findFieldByName("request_id"), "é".repeat(100))
                        .setField(idFirst.findFieldByName("line"), aLine).build(),
                DynamicMessage.newBuilder(idFirst).setField(idFirst.findFieldByName("currency_code"), "EUR").build(),
                DynamicMessage.newBuilder(idFirst).setField(idFirst.findFieldByName("request_id"), "r")
                        .setUnknownFields(UnknownFieldSet.newBuilder().addField(9,
                                UnknownFieldSet.Field.newBuilder().addVarint(5).build()).build()).build(),
                DynamicMessage.newBuilder(idLater).setField(idLater.findFieldByName("name"), "n")
                        .setField(idLater.findFieldByName("request_id"), "r").build(),
                aLine);
        RequestFingerprint stream = RequestFingerprint.stream();
        MessageDigest expectedStream = MessageDigest.getInstance("SHA-256");
        for (Message message : messages) {
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            byte[] payload = withoutRequestId(message);
            for (MessageDigest digest : List.of(expected, expectedStream)) {
                digest.update(new byte[] { (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
                        (byte) (payload.length >>> 8), (byte) payload.length });
                digest.update(payload);
            }
            assertThat(RequestFingerprint.of(message)).as("%s", message)
                    .isEqualTo(HexFormat.of().formatHex(expected.digest()));
            stream.add(message);
        }
        assertThat(stream.hex()).isEqualTo(HexFormat.of().formatHex(expectedStream.digest()));
    }

    /** The definition: the deterministic serialization of a copy without request_id. */
    private static byte[] withoutRequestId(Message message) throws Exception {
        var requestId = message.getDescriptorForType().findFieldByName("request_id");
        Message payload = requestId == null ? message : message.toBuilder().clearField(requestId).build();
        byte[] bytes = new byte[payload.getSerializedSize()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        payload.writeTo(out);
        return bytes;
    }

    private static FieldDescriptorProto.Builder field(String name, int number, FieldDescriptorProto.Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type);
    }
}
