package meridian.conventions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.google.rpc.ErrorInfo;

import io.grpc.Status;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.idempotency.RequestFingerprint;
import meridian.conventions.paging.PageTokens;
import meridian.conventions.watch.Cursors;
import meridian.conventions.watch.LogPosition;

class PageTokensAndCursorsTest {

    @Test
    void pageTokenRoundTripsUnderTheSameQueryOnly() {
        List<String> query = List.of("locations/berlin-1", "SKU-");
        String token = PageTokens.encode(query, List.of("berlin-1", "SKU-42"));
        assertThat(PageTokens.decode(token, query, 2)).containsExactly("berlin-1", "SKU-42");
        assertThat(PageTokens.decode("", query, 2)).isEmpty();

        ServiceException otherQuery = catchThrowableOfType(ServiceException.class,
                () -> PageTokens.decode(token, List.of("locations/berlin-1", "SKU-4"), 2));
        assertThat(otherQuery.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(catchThrowableOfType(ServiceException.class, () -> PageTokens.decode("%%%", query, 2))).isNotNull();
        assertThat(catchThrowableOfType(ServiceException.class, () -> PageTokens.decode(token, query, 3))).isNotNull();
    }

    @Test
    void cursorsRoundTripAndRefuseOtherStreams() {
        Cursors stock = new Cursors("stock");
        assertThat(stock.decode(stock.encode(1234), "start_cursor")).isEqualTo(1234);
        ServiceException foreign = catchThrowableOfType(ServiceException.class,
                () -> stock.decode(new Cursors("prices").encode(5), "start_cursor"));
        assertThat(foreign.code()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(foreign.reason()).isEqualTo("INVALID_CURSOR");
        assertThat(catchThrowableOfType(ServiceException.class, () -> stock.decode("garbage!", "start_cursor"))
                .reason()).isEqualTo("INVALID_CURSOR");
        assertThat(Cursors.expired("resync").reason()).isEqualTo("CURSOR_EXPIRED");
    }

    @Test
    void positionCursorsRoundTripAndReadSequenceCursorsAsTransactionZero() {
        Cursors stock = new Cursors("stock");
        LogPosition position = new LogPosition(4_294_967_301L, 17);
        assertThat(stock.decodePosition(stock.encode(position), "start_cursor")).isEqualTo(position);
        assertThat(stock.decodePosition(stock.encode(1234), "start_cursor")).isEqualTo(new LogPosition(0, 1234));
        // A position with a transaction is not a sequence: the sequence-only decode refuses it.
        assertThat(catchThrowableOfType(ServiceException.class, () -> stock.decode(stock.encode(position), "c"))
                .reason()).isEqualTo("INVALID_CURSOR");
        assertThat(catchThrowableOfType(ServiceException.class,
                () -> stock.decodePosition(new Cursors("prices").encode(position), "c")).reason())
                .isEqualTo("INVALID_CURSOR");
        assertThat(catchThrowableOfType(ServiceException.class,
                () -> stock.decodePosition(java.util.Base64.getUrlEncoder().encodeToString("stock:1.x".getBytes()),
                        "c")).reason())
                .isEqualTo("INVALID_CURSOR");
        assertThat(new LogPosition(1, 99)).isLessThan(new LogPosition(2, 1));
        assertThat(new LogPosition(2, 1)).isLessThan(new LogPosition(2, 3));
    }

    @Test
    void fingerprintIgnoresTheRequestIdAndSeesEveryOtherField() {
        ErrorInfo a = ErrorInfo.newBuilder().setReason("X").putMetadata("k", "v").build();
        ErrorInfo b = ErrorInfo.newBuilder().setReason("X").putMetadata("k", "w").build();
        assertThat(RequestFingerprint.of(a)).isEqualTo(RequestFingerprint.of(a.toBuilder().build()));
        assertThat(RequestFingerprint.of(a)).isNotEqualTo(RequestFingerprint.of(b));
        assertThat(RequestFingerprint.stream().add(a).add(b).hex())
                .isNotEqualTo(RequestFingerprint.stream().add(b).add(a).hex());
    }
}
