package meridian.conventions.errors;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockTimeoutException;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;

import org.jboss.logging.Logger;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.ErrorInfo;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import meridian.conventions.config.GrpcConventionsConfig;

/**
 * Turns any failure into the status a client may see (AIP-193): a {@link ServiceException} keeps its
 * code, reason and details; database contention becomes ABORTED and a lost database UNAVAILABLE;
 * anything else becomes INTERNAL with a reference to the server log and nothing else.
 */
@ApplicationScoped
public class GrpcStatusMapper {

    private static final Logger LOG = Logger.getLogger(GrpcStatusMapper.class);

    private final String domain;

    @Inject
    public GrpcStatusMapper(GrpcConventionsConfig config) {
        this(config.errorDomain());
    }

    public GrpcStatusMapper(String domain) {
        this.domain = domain;
    }

    public String domain() {
        return domain;
    }

    /** The status for {@code failure}, with google.rpc.Status details in its trailers. */
    public StatusRuntimeException toStatus(Throwable failure) {
        if (failure instanceof ServiceException e) {
            return toStatus(e);
        }
        Status passed = passedStatus(failure);
        if (passed != null) {
            return passThrough(passed, failure);
        }
        if (isContention(failure)) {
            return toStatus(ServiceException.concurrentModification("a concurrent change won; retry the call"));
        }
        if (isConnectionLoss(failure)) {
            LOG.warnf("database unreachable: %s", failure.toString());
            return toStatus(new ServiceException(Status.Code.UNAVAILABLE, "UNAVAILABLE",
                    "the service's database is unreachable; retry later"));
        }
        String reference = reference();
        LOG.errorf(failure, "unexpected failure, reference %s", reference);
        return toStatus(new ServiceException(Status.Code.INTERNAL, "INTERNAL",
                "internal error; reference " + reference).withMetadata("reference", reference));
    }

    public StatusRuntimeException toStatus(ServiceException e) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(e.reason()).setDomain(domain)
                .putAllMetadata(e.metadata()).build();
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(e.code().value())
                .setMessage(e.getMessage())
                .addDetails(Any.pack(info));
        for (Message detail : e.details()) {
            status.addDetails(Any.pack(detail));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }

    /** A status raised on purpose (by a service or a downstream call) keeps its code but never leaks internals. */
    private StatusRuntimeException passThrough(Status status, Throwable failure) {
        if (status.getCode() == Status.Code.UNKNOWN || status.getCode() == Status.Code.INTERNAL) {
            String reference = reference();
            LOG.errorf(failure, "internal status, reference %s", reference);
            return toStatus(new ServiceException(Status.Code.INTERNAL, "INTERNAL",
                    "internal error; reference " + reference).withMetadata("reference", reference));
        }
        if (failure instanceof StatusRuntimeException sre) {
            return sre;
        }
        return new StatusRuntimeException(status, ((StatusException) failure).getTrailers());
    }

    private static Status passedStatus(Throwable failure) {
        if (failure instanceof StatusRuntimeException sre) {
            return sre.getStatus();
        }
        if (failure instanceof StatusException se) {
            return se.getStatus();
        }
        return null;
    }

    private static boolean isContention(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OptimisticLockException || t instanceof PessimisticLockException
                    || t instanceof LockTimeoutException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().equals("40001") || sql.getSQLState().equals("40P01"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isConnectionLoss(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
                // Agroal reports an exhausted or unreachable pool without an SQL state.
                String message = String.valueOf(sql.getMessage()).toLowerCase(Locale.ROOT);
                if (message.contains("acquisition timeout")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The trace id when the call is traced (it finds the server log lines), else a fresh id. */
    private static String reference() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? span.getTraceId() : UUID.randomUUID().toString();
    }
}
