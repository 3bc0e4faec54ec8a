package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;

import build.buf.protovalidate.Config;
import build.buf.protovalidate.Validator;
import build.buf.protovalidate.ValidatorFactory;
import build.buf.validate.FieldRules;
import build.buf.validate.StringRules;
import build.buf.validate.TimestampRules;
import build.buf.validate.ValidateProto;
import meridian.conventions.validation.RequestValidator;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.pricing.v1.GetPriceRequest;
import meridian.pricing.v1.QuotePricesRequest;

/**
 * RequestValidator remembers small requests it found valid. The memo must never change an answer: a remembered
 * valid request stays valid, an invalid one is reported every time, and rules that read the clock are never
 * remembered.
 */
class ValidationMemoTest {

    private final RequestValidator validator = new RequestValidator();

    @Test
    void repeatedValidRequestStaysValidAndInvalidOnesAreReportedEveryTime() {
        GetPriceRequest valid = GetPriceRequest.newBuilder().setName("skus/SKU-1/prices/EUR").build();
        GetPriceRequest invalid = GetPriceRequest.newBuilder().setName("skus/SKU-1/prices/eur").build();
        for (int i = 0; i < 3; i++) {
            assertThat(validator.violations(valid)).isEmpty();
            // An equal message built separately hits the memo and gets the same answer.
            assertThat(validator.violations(valid.toBuilder().build())).isEmpty();
            assertThat(validator.violations(invalid)).extracting(BadRequest.FieldViolation::getField)
                    .containsExactly("name");
        }
    }

    /**
     * A request_id is checked on its own and the rest of the request through the memo: the answers must be those of
     * protovalidate on the whole request, whichever part is wrong and whatever was remembered before.
     */
    @Test
    void requestsWithAnIdempotencyKeyGetTheWholeRequestsAnswer() throws Exception {
        Validator whole = ValidatorFactory.newBuilder().withConfig(Config.newBuilder().build()).build();
        ReservationLine line = ReservationLine.newBuilder().setSku("SKU-1").setLocationId("berlin").setQuantity(2).build();
        ReservationLine badLine = line.toBuilder().setQuantity(0).build();
        List<ReserveStockRequest> requests = List.of(
                reservation(UUID.randomUUID().toString(), line),
                reservation(UUID.randomUUID().toString(), line),
                reservation("not-a-uuid", line),
                reservation("", line),
                reservation(UUID.randomUUID().toString(), badLine),
                reservation("not-a-uuid", badLine),
                reservation(UUID.randomUUID().toString(), line, line),
                reservation("not-a-uuid", line, line),
                reservation(UUID.randomUUID().toString()));
        for (int round = 0; round < 2; round++) {
            for (ReserveStockRequest request : requests) {
                assertThat(validator.violations(request)).extracting(BadRequest.FieldViolation::getField)
                        .as("%s", request).containsExactlyInAnyOrderElementsOf(fieldsOf(whole, request));
            }
        }
        assertThat(validator.violations(reservation("not-a-uuid", line))).singleElement()
                .satisfies(v -> assertThat(v.getReason()).isEqualTo("string.uuid"));
    }

    private static ReserveStockRequest reservation(String requestId, ReservationLine... lines) {
        return ReserveStockRequest.newBuilder().setRequestId(requestId).addAllLines(List.of(lines)).build();
    }

    private static List<String> fieldsOf(Validator whole, Message request) throws Exception {
        return whole.validate(request).getViolations().stream()
                .map(v -> RequestValidator.path(v.toProto().getField())).toList();
    }

    @Test
    void contractRequestsDoNotReadTheClock() {
        assertThat(RequestValidator.rulesIgnoreClock(GetPriceRequest.getDescriptor())).isTrue();
        assertThat(RequestValidator.rulesIgnoreClock(QuotePricesRequest.getDescriptor())).isTrue();
        assertThat(RequestValidator.rulesIgnoreClock(ReserveStockRequest.getDescriptor())).isTrue();
    }

    @Test
    void rulesThatReadTheClockAreDetectedAlsoInNestedMessages() throws Exception {
        FieldOptions afterNow = FieldOptions.newBuilder().setExtension(ValidateProto.field,
                FieldRules.newBuilder().setTimestamp(TimestampRules.newBuilder().setGtNow(true)).build()).build();
        FieldOptions plainString = FieldOptions.newBuilder().setExtension(ValidateProto.field,
                FieldRules.newBuilder().setString(StringRules.newBuilder().setMinLen(1)).build()).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("memo_test.proto").setPackage("memo.test").setSyntax("proto3")
                .addDependency("google/protobuf/timestamp.proto").addDependency("buf/validate/validate.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("Window")
                        .addField(FieldDescriptorProto.newBuilder().setName("starts").setNumber(1)
                                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE)
                                .setTypeName(".google.protobuf.Timestamp").setOptions(afterNow)))
                .addMessageType(DescriptorProto.newBuilder().setName("Request")
                        .addField(FieldDescriptorProto.newBuilder().setName("id").setNumber(1)
                                .setType(FieldDescriptorProto.Type.TYPE_STRING).setOptions(plainString))
                        .addField(FieldDescriptorProto.newBuilder().setName("window").setNumber(2)
                                .setType(FieldDescriptorProto.Type.TYPE_MESSAGE).setTypeName(".memo.test.Window")))
                .addMessageType(DescriptorProto.newBuilder().setName("Plain")
                        .addField(FieldDescriptorProto.newBuilder().setName("id").setNumber(1)
                                .setType(FieldDescriptorProto.Type.TYPE_STRING).setOptions(plainString)))
                .build();
        FileDescriptor built = FileDescriptor.buildFrom(file, new FileDescriptor[] {
                Timestamp.getDescriptor().getFile(), ValidateProto.getDescriptor() });
        Descriptor request = built.findMessageTypeByName("Request");
        assertThat(RequestValidator.rulesIgnoreClock(built.findMessageTypeByName("Window"))).isFalse();
        assertThat(RequestValidator.rulesIgnoreClock(request)).isFalse();
        assertThat(RequestValidator.rulesIgnoreClock(built.findMessageTypeByName("Plain"))).isTrue();
    }
}
