package meridian.conventions.health;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.jboss.logging.Logger;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.BindableService;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;

/**
 * Keeps the standard grpc.health.v1 answers in line with SmallRye readiness: every service name
 * (and "") is SERVING while all readiness checks are UP, NOT_SERVING otherwise (database lost,
 * downstream unreachable) and from the start of shutdown on. Kubernetes gRPC probes and
 * grpc-health-probe read it.
 */
@ApplicationScoped
public class ServingStatusSync {

    private static final Logger LOG = Logger.getLogger(ServingStatusSync.class);
    /** Quarkus' own readiness check that reads the gRPC health storage: ignored to avoid a loop. */
    private static final String GRPC_SERVER_CHECK = "gRPC Server";

    private final SmallRyeHealthReporter reporter;
    private final GrpcHealthStorage storage;
    private final Set<String> serviceNames = new LinkedHashSet<>();
    /** Set once the service's start-up work is done (see {@link #onStart}); scheduled syncs wait for it. */
    private volatile boolean started;
    private volatile boolean shuttingDown;
    private volatile ServingStatus last;

    @Inject
    public ServingStatusSync(SmallRyeHealthReporter reporter, GrpcHealthStorage storage,
            @Any Instance<BindableService> services) {
        this(reporter, storage, (Iterable<BindableService>) services);
    }

    ServingStatusSync(SmallRyeHealthReporter reporter, GrpcHealthStorage storage, Iterable<BindableService> services) {
        this.reporter = reporter;
        this.storage = storage;
        serviceNames.add(GrpcHealthStorage.DEFAULT_SERVICE_NAME);
        for (BindableService service : services) {
            String name = service.bindService().getServiceDescriptor().getName();
            if (!name.startsWith("grpc.")) {
                serviceNames.add(name);
            }
        }
    }

    @Scheduled(every = "${meridian.grpc.health-sync-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sync() {
        if (started && !shuttingDown) {
            publish(ready(reporter.getReadiness()) ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
    }

    /**
     * Takes back the SERVING Quarkus' gRPC server sets when it registers the services (before any start-up
     * observer): until the start-up work below is done, no probe or balancer should send calls.
     */
    void beforeStartUpWork(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        publish(ServingStatus.NOT_SERVING);
    }

    /**
     * The first SERVING, after the earlier start-up observers (the validation rules' compile, LIBRARY_BEFORE): the
     * scheduler already runs while they do, and its syncs would publish SERVING before them.
     */
    void onStart(@Observes StartupEvent event) {
        started = true;
        sync();
    }

    /** With quarkus.shutdown.delay-enabled, this comes first: clients and probes see NOT_SERVING before the server stops. */
    void onShutdownDelay(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        publish(ServingStatus.NOT_SERVING);
    }

    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown = true;
        publish(ServingStatus.NOT_SERVING);
    }

    /** The status currently published. */
    public ServingStatus status() {
        return last;
    }

    private synchronized void publish(ServingStatus status) {
        if (status != last) {
            LOG.infof("gRPC health of %s is now %s", serviceNames, status);
            last = status;
        }
        for (String name : serviceNames) {
            storage.setStatus(name, status);
        }
    }

    static boolean ready(SmallRyeHealth health) {
        JsonObject payload = health.getPayload();
        for (JsonValue value : payload.getJsonArray("checks")) {
            JsonObject check = value.asJsonObject();
            if (!GRPC_SERVER_CHECK.equals(check.getString("name", "")) && !"UP".equals(check.getString("status", ""))) {
                return false;
            }
        }
        return true;
    }
}
