package meridian.conventions.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;

import build.buf.protovalidate.Config;
import build.buf.validate.FieldRules;
import build.buf.validate.Int32Rules;
import build.buf.validate.Int64Rules;
import build.buf.validate.StringRules;
import build.buf.validate.ValidateProto;

/**
 * The direct checks must answer as protovalidate does, and be used only for types whose every rule they understand.
 */
class SimpleFieldRulesTest {

    private final PatternCachingValidator protovalidate = new PatternCachingValidator(Config.newBuilder().build());

    @Test
    void acceptsExactlyWhatProtovalidateAccepts() throws Exception {
        Descriptor line = types().findMessageTypeByName("Line");
        SimpleFieldRules rules = SimpleFieldRules.of(line);
        assertThat(rules).isNotNull();
        List<String> skus = List.of("SKU-1", "A", "9.x_Y-z", "", "sku-1", "-A", "A B", "A".repeat(64), "A".repeat(65),
                "ÄPFEL", "A\n", "\nA", "A1.");
        List<Long> quantities = List.of(Long.MIN_VALUE, -1L, 0L, 1L, 2L, 999_999L, 1_000_000L, 1_000_001L, Long.MAX_VALUE);
        List<Integer> ranks = List.of(Integer.MIN_VALUE, -5, -4, 0, 9, 10, Integer.MAX_VALUE);
        int accepted = 0;
        for (String sku : skus) {
            for (long quantity : quantities) {
                for (int rank : ranks) {
                    DynamicMessage message = DynamicMessage.newBuilder(line)
                            .setField(line.findFieldByName("sku"), sku)
                            .setField(line.findFieldByName("quantity"), quantity)
                            .setField(line.findFieldByName("rank"), rank)
                            .setField(line.findFieldByName("note"), "anything")
                            .build();
                    boolean valid = protovalidate.validate(message).isSuccess();
                    assertThat(rules.accepts(message)).as("%s %d %d", sku, quantity, rank).isEqualTo(valid);
                    accepted += valid ? 1 : 0;
                }
            }
        }
        assertThat(accepted).isPositive();
    }

    @Test
    void aValueAcceptedBeforeDoesNotVouchForAnotherWithTheSameHash() throws Exception {
        Descriptor line = types().findMessageTypeByName("Line");
        SimpleFieldRules rules = SimpleFieldRules.of(line);
        assertThat("BB".hashCode()).isEqualTo("Aa".hashCode());
        for (int round = 0; round < 2; round++) {
            assertThat(rules.accepts(line(line, "BB"))).isTrue();
            assertThat(rules.accepts(line(line, "Aa"))).isFalse();
            assertThat(protovalidate.validate(line(line, "Aa")).isSuccess()).isFalse();
        }
    }

    private static DynamicMessage line(Descriptor line, String sku) {
        return DynamicMessage.newBuilder(line).setField(line.findFieldByName("sku"), sku)
                .setField(line.findFieldByName("quantity"), 1L).setField(line.findFieldByName("rank"), 0).build();
    }

    @Test
    void aUuidAndARequiredLineAreCheckedLikeProtovalidate() throws Exception {
        FileDescriptor types = types();
        Descriptor request = types.findMessageTypeByName("Request");
        Descriptor line = types.findMessageTypeByName("Line");
        SimpleFieldRules rules = SimpleFieldRules.of(request);
        assertThat(rules).isNotNull();
        DynamicMessage validLine = DynamicMessage.newBuilder(line).setField(line.findFieldByName("sku"), "SKU-1")
                .setField(line.findFieldByName("quantity"), 2L).setField(line.findFieldByName("rank"), 1).build();
        DynamicMessage invalidLine = validLine.toBuilder().setField(line.findFieldByName("quantity"), 0L).build();
        List<String> ids = List.of(java.util.UUID.randomUUID().toString(), "00000000-0000-0000-0000-000000000000",
                "6BA7B810-9DAD-11D1-80B4-00C04FD430C8", "", "not-a-uuid", "6ba7b810-9dad-11d1-80b4-00c04fd430c",
                "6ba7b8109dad11d180b400c04fd430c8", "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",
                "6ba7b810-9dad-11d1-80b4-00c04fd430c8 ", "6ba7b810-9dad-11d1-80b4-00c04fd430g8");
        List<DynamicMessage> lines = java.util.Arrays.asList(validLine, invalidLine, null);
        int accepted = 0;
        for (String id : ids) {
            for (String currency : List.of("EUR", "eur", "EURO")) {
                for (DynamicMessage quoteLine : lines) {
                    DynamicMessage.Builder message = DynamicMessage.newBuilder(request)
                            .setField(request.findFieldByName("request_id"), id)
                            .setField(request.findFieldByName("currency_code"), currency);
                    if (quoteLine != null) {
                        message.setField(request.findFieldByName("line"), quoteLine);
                    }
                    boolean valid = protovalidate.validate(message.build()).isSuccess();
                    assertThat(rules.accepts(message.build())).as("%s %s %s", id, currency, quoteLine).isEqualTo(valid);
                    accepted += valid ? 1 : 0;
                }
            }
        }
        assertThat(accepted).isPositive();
    }

    @Test
    void anExclusiveRangeIsLeftToProtovalidate() throws Exception {
        Descriptor outside = types().findMessageTypeByName("Outside");
        SimpleFieldRules rules = SimpleFieldRules.of(outside);
        for (long value : List.of(-100L, 0L, 5L, 7L, 10L, 100L)) {
            DynamicMessage message = DynamicMessage.newBuilder(outside)
                    .setField(outside.findFieldByName("value"), value).build();
            if (rules != null && rules.accepts(message)) {
                assertThat(protovalidate.validate(message).isSuccess()).as("%d", value).isTrue();
            }
        }
    }

    @Test
    void typesWithOtherRulesAreNotCheckedDirectly() throws Exception {
        FileDescriptor types = types();
        assertThat(SimpleFieldRules.of(types.findMessageTypeByName("WithMinLen"))).isNull();
        assertThat(SimpleFieldRules.of(types.findMessageTypeByName("WithRequired"))).isNull();
        // Its nested type's rules are not simple.
        assertThat(SimpleFieldRules.of(types.findMessageTypeByName("WithNested"))).isNull();
    }

    private static FileDescriptor types() throws Exception {
        FieldRules skuPattern = FieldRules.newBuilder()
                .setString(StringRules.newBuilder().setPattern("^[A-Z0-9][A-Z0-9._-]{0,63}$")).build();
        FieldRules quantityRange = FieldRules.newBuilder()
                .setInt64(Int64Rules.newBuilder().setGte(1).setLte(1_000_000)).build();
        FieldRules rankRange = FieldRules.newBuilder().setInt32(Int32Rules.newBuilder().setGt(-5).setLt(10)).build();
        FieldRules outsideRange = FieldRules.newBuilder().setInt64(Int64Rules.newBuilder().setGt(10).setLt(5)).build();
        FieldRules uuid = FieldRules.newBuilder().setString(StringRules.newBuilder().setUuid(true)).build();
        FieldRules currencyPattern = FieldRules.newBuilder()
                .setString(StringRules.newBuilder().setPattern("^[A-Z]{3}$")).build();
        FieldRules requiredMessage = FieldRules.newBuilder().setRequired(true).build();
        FieldRules minLen = FieldRules.newBuilder().setString(StringRules.newBuilder().setMinLen(1)).build();
        FieldRules required = FieldRules.newBuilder().setRequired(true)
                .setString(StringRules.newBuilder().setPattern("^[A-Z]+$")).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("simple_rules_test.proto").setPackage("simple.test").setSyntax("proto3")
                .addDependency("buf/validate/validate.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("Line")
                        .addField(field("sku", 1, FieldDescriptorProto.Type.TYPE_STRING, skuPattern))
                        .addField(field("quantity", 2, FieldDescriptorProto.Type.TYPE_INT64, quantityRange))
                        .addField(field("rank", 3, FieldDescriptorProto.Type.TYPE_INT32, rankRange))
                        .addField(field("note", 4, FieldDescriptorProto.Type.TYPE_STRING, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("Request")
                        .addField(field("request_id", 1, FieldDescriptorProto.Type.TYPE_STRING, uuid))
                        .addField(field("currency_code", 2, FieldDescriptorProto.Type.TYPE_STRING, currencyPattern))
                        .addField(field("line", 3, FieldDescriptorProto.Type.TYPE_MESSAGE, requiredMessage).toBuilder()
                                .setTypeName(".simple.test.Line")))
                .addMessageType(DescriptorProto.newBuilder().setName("Outside")
                        .addField(field("value", 1, FieldDescriptorProto.Type.TYPE_INT64, outsideRange)))
                .addMessageType(DescriptorProto.newBuilder().setName("WithMinLen")
                        .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, minLen)))
                .addMessageType(DescriptorProto.newBuilder().setName("WithRequired")
                        .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, required)))
                .addMessageType(DescriptorProto.newBuilder().setName("WithNested")
                        .addField(field("id", 1, FieldDescriptorProto.Type.TYPE_STRING, skuPattern))
                        .addField(FieldDescriptorProto.newBuilder().setName("min_len").setNumber(2)
                                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".simple.test.WithMinLen")))
                .build();
        return FileDescriptor.buildFrom(file, new FileDescriptor[] { ValidateProto.getDescriptor() });
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, FieldRules rules) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type);
        if (rules != null) {
            field.setOptions(FieldOptions.newBuilder().setExtension(ValidateProto.field, rules));
        }
        return field.build();
    }
}
