package meridian.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JfrSummaryTest {

    private static final String SAMPLES = """
            jdk.ExecutionSample {
              startTime = 15:10:01.123 (2026-11-23)
              sampledThread = "executor-thread-1" (javaThreadId = 42)
              state = "STATE_RUNNABLE"
              stackTrace = [
                org.postgresql.core.v3.QueryExecutorImpl.execute(Query, ParameterList, ResultHandler, int, int, int) line: 400
                org.hibernate.engine.jdbc.internal.ResultSetReturnImpl.executeUpdate(PreparedStatement, String) line: 194
                meridian.orders.service.OrderStore.create(PlaceOrderRequest, String) line: 70
                ...
              ]
            }

            jdk.ExecutionSample {
              startTime = 15:10:01.133 (2026-11-23)
              stackTrace = [
                io.opentelemetry.sdk.trace.SdkSpan.end() line: 1
                meridian.orders.grpc.OrdersGrpcService.placeOrder(PlaceOrderRequest) line: 3
              ]
            }
            """;

    @Test
    void sharesAreInclusivePerLayerAndSelfTimeIsTheTopFrame() {
        String summary = JfrSummary.summarise(SAMPLES, 5);

        assertThat(summary).startsWith("2 execution samples");
        assertThat(summary).contains("100.0 %  Meridian code", " 50.0 %  PostgreSQL JDBC driver", " 50.0 %  Hibernate ORM, Panache",
                " 50.0 %  tracing (OpenTelemetry)", " 50.0 %  org.postgresql.core.v3.QueryExecutorImpl.execute");
    }
}
