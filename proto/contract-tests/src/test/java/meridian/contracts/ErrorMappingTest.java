package meridian.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.PreconditionFailure;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import meridian.conventions.errors.ErrorDetails;
import meridian.conventions.errors.GrpcStatusMapper;
import meridian.conventions.errors.MeridianExceptionHandlerProvider;
import meridian.conventions.errors.ServiceException;
import meridian.conventions.validation.RequestValidationInterceptor;
import meridian.conventions.validation.RequestValidator;
import meridian.inventory.v1.GetStockLevelRequest;
import meridian.inventory.v1.GetStockLevelResponse;
import meridian.inventory.v1.InventoryServiceGrpc;
import meridian.inventory.v1.ReservationLine;
import meridian.inventory.v1.ReserveStockRequest;
import meridian.inventory.v1.ReserveStockResponse;

/**
 * Errors cross a real gRPC call (in-process transport, real serialization of the status details) through the
 * conventions' validation interceptor and exception handler, the way the services install them.
 */
class ErrorMappingTest {

    private static final String DOMAIN = "inventory.meridian";
    private static final String SECRET = "SELECT * FROM stock_level WHERE sku = 'x'; at org.hibernate.Foo(Foo.java:12)";

    private final AtomicInteger invocations = new AtomicInteger();
    private volatile Supplier<RuntimeException> failure;
    private Server server;
    private ManagedChannel channel;
    private InventoryServiceGrpc.InventoryServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        GrpcStatusMapper mapper = new GrpcStatusMapper(DOMAIN);
        MeridianExceptionHandlerProvider handlers = new MeridianExceptionHandlerProvider(mapper);
        // What Quarkus' exception interceptor does with the provider: wrap the listener of every call.
        ServerInterceptor exceptionHandling = new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                    ServerCallHandler<ReqT, RespT> next) {
                return handlers.createHandler(next.startCall(call, headers), call, headers);
            }
        };
        InventoryServiceGrpc.InventoryServiceImplBase service = new InventoryServiceGrpc.InventoryServiceImplBase() {
            @Override
            public void getStockLevel(GetStockLevelRequest request, StreamObserver<GetStockLevelResponse> observer) {
                invocations.incrementAndGet();
                throw failure.get();
            }

            @Override
            public void reserveStock(ReserveStockRequest request, StreamObserver<ReserveStockResponse> observer) {
                invocations.incrementAndGet();
                throw failure.get();
            }
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(ServerInterceptors.intercept(service, new RequestValidationInterceptor(new RequestValidator(), mapper),
                        exceptionHandling))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        stub = InventoryServiceGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void invalidRequestIsRejectedBeforeTheMethodRunsWithFieldViolations() {
        StatusRuntimeException e = call(() -> stub.reserveStock(ReserveStockRequest.newBuilder().setRequestId("nope")
                .addLines(ReservationLine.newBuilder().setSku("sku lower").setLocationId("berlin-1").setQuantity(0)).build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(info(e).getReason()).isEqualTo("INVALID_REQUEST");
        assertThat(info(e).getDomain()).isEqualTo(DOMAIN);
        assertThat(ErrorDetails.of(e).badRequest().orElseThrow().getFieldViolationsList())
                .extracting(BadRequest.FieldViolation::getField)
                .containsExactlyInAnyOrder("request_id", "lines[0].sku", "lines[0].quantity");
        assertThat(invocations).hasValue(0);
    }

    @Test
    void domainErrorKeepsItsCodeReasonMetadataAndDetails() {
        failure = () -> ServiceException.failedPrecondition("INSUFFICIENT_STOCK", "not enough stock for 1 line",
                List.of(ServiceException.preconditionViolation("STOCK", "locations/berlin-1/stockLevels/SKU-1",
                        "requested 5, available 2")));
        StatusRuntimeException e = call(this::getStockLevel);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(e.getStatus().getDescription()).isEqualTo("not enough stock for 1 line");
        assertThat(info(e).getReason()).isEqualTo("INSUFFICIENT_STOCK");
        PreconditionFailure details = ErrorDetails.of(e).preconditionFailure().orElseThrow();
        assertThat(details.getViolations(0).getSubject()).isEqualTo("locations/berlin-1/stockLevels/SKU-1");
    }

    @Test
    void standardDomainErrorsMapToTheirCodes() {
        failure = () -> ServiceException.notFound("locations/berlin-1/stockLevels/SKU-9");
        StatusRuntimeException notFound = call(this::getStockLevel);
        assertThat(notFound.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(info(notFound).getMetadataMap()).containsEntry("resource", "locations/berlin-1/stockLevels/SKU-9");

        failure = () -> ServiceException.requestIdReused("7a0c3f4e-2b1d-4c5e-9f60-1a2b3c4d5e6f");
        StatusRuntimeException reused = call(this::getStockLevel);
        assertThat(reused.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(info(reused).getReason()).isEqualTo("REQUEST_ID_REUSED");

        failure = () -> new ServiceException(Status.Code.RESOURCE_EXHAUSTED, "FEED_TOO_LARGE", "feed over 100000 lines");
        assertThat(call(this::getStockLevel).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void databaseContentionBecomesAbortedAndALostDatabaseUnavailable() {
        failure = () -> new IllegalStateException("could not execute statement",
                new SQLException("deadlock detected", "40P01"));
        StatusRuntimeException aborted = call(this::getStockLevel);
        assertThat(aborted.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(info(aborted).getReason()).isEqualTo("CONCURRENT_MODIFICATION");
        assertNoLeak(aborted);

        failure = () -> new IllegalStateException("boom", new SQLException("Connection refused", "08001"));
        StatusRuntimeException unavailable = call(this::getStockLevel);
        assertThat(unavailable.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertNoLeak(unavailable);
    }

    @Test
    void unexpectedFailureBecomesInternalAndLeaksNothing() {
        failure = () -> new IllegalStateException(SECRET, new NullPointerException("field x of meridian.Foo"));
        StatusRuntimeException e = call(this::getStockLevel);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).startsWith("internal error; reference ");
        assertThat(info(e).getReason()).isEqualTo("INTERNAL");
        assertNoLeak(e);
    }

    @Test
    void anInternalStatusRaisedOnPurposeIsScrubbedToo() {
        failure = () -> Status.INTERNAL.withDescription(SECRET).asRuntimeException();
        StatusRuntimeException e = call(this::getStockLevel);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertNoLeak(e);

        failure = () -> Status.UNAVAILABLE.withDescription("inventory unreachable").asRuntimeException();
        assertThat(call(this::getStockLevel).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private void getStockLevel() {
        stub.getStockLevel(GetStockLevelRequest.newBuilder().setName("locations/berlin-1/stockLevels/SKU-1").build());
    }

    private static StatusRuntimeException call(Runnable call) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
        assertThat(e).isNotNull();
        return e;
    }

    private static ErrorInfo info(StatusRuntimeException e) {
        return ErrorDetails.of(e).errorInfo().orElseThrow();
    }

    private static void assertNoLeak(StatusRuntimeException e) {
        String seen = e.getStatus().getDescription() + " " + e.getTrailers();
        assertThat(seen).doesNotContain("SELECT", "stock_level", "org.hibernate", "Exception", "meridian.Foo",
                "deadlock detected", "Connection refused");
    }
}
