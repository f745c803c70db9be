package io.scorecam.server.stream;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.scorecam.api.v1.ExplainServiceGrpcService;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.lifecycle.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.health.handler.GrpcHealthCheckV1Handler;
import io.vertx.grpc.health.handler.GrpcHealthListV1Handler;
import io.vertx.grpc.health.handler.GrpcHealthWatchV1Handler;
import io.vertx.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.vertx.grpc.health.v1.HealthProto;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * grpc.health.v1 (Check, Watch, List) on Vert.x's handlers, with one fix: Vert.x 5.0 answers SERVING for the
 * empty service name whatever is registered for it, while orchestrators and load balancers probe exactly that
 * name. Here "" (the server) and scorecam.v1.ExplainService both follow {@link Readiness}: NOT_SERVING while
 * starting and draining.
 *
 * <p>Per model, {@code scorecam.v1.ExplainService/<model>} (the gRPC method-path style, so it cannot clash with
 * another service's name): SERVING only while the server serves and that model is READY ({@link ModelStates}),
 * NOT_SERVING while it loads or could not be loaded, unknown (Check NOT_FOUND, Watch SERVICE_UNKNOWN) once it
 * left the repository. Vert.x's Watch re-checks every 2.5 s, so a watcher sees a change within that.
 */
final class ServerHealth implements Service {
    private static final ServiceName NAME = ServiceName.create("grpc.health.v1.Health");
    private static final ServiceDescriptor DESCRIPTOR = HealthProto.getDescriptor().findServiceByName("Health");

    /** Per-model names are this plus the model's name. */
    static final String MODEL_PREFIX = ExplainServiceGrpcService.SERVICE_NAME.fullyQualifiedName() + "/";

    private final Vertx vertx;
    private final Map<String, Supplier<Future<Boolean>>> checks = new ConcurrentHashMap<>();
    private final Readiness readiness;
    private final ModelStates models;

    ServerHealth(Vertx vertx, Readiness readiness) {
        this(vertx, readiness, new ModelStates());
    }

    ServerHealth(Vertx vertx, Readiness readiness, ModelStates models) {
        this.vertx = vertx;
        this.readiness = readiness;
        this.models = models;
        Supplier<Future<Boolean>> serving = () -> Future.succeededFuture(readiness.isServing());
        checks.put("", serving);
        checks.put(ExplainServiceGrpcService.SERVICE_NAME.fullyQualifiedName(), serving);
        models.all().forEach(m -> modelChanged(m.name()));
        models.onChange(this::modelChanged);
    }

    /** Keeps one name per model in the map List answers from. */
    private void modelChanged(String model) {
        if (models.get(model) == null) {
            checks.remove(MODEL_PREFIX + model);
        } else {
            checks.put(MODEL_PREFIX + model, () -> Future.succeededFuture(modelServing(model)));
        }
    }

    private boolean modelServing(String model) {
        ModelStates.ModelState state = models.get(model);
        return readiness.isServing() && state != null && state.ready();
    }

    /** A further health name; its check must not block (it runs on the event loop). */
    ServerHealth register(String name, Supplier<Future<Boolean>> check) {
        checks.put(name, check);
        return this;
    }

    @Override
    public ServiceName name() {
        return NAME;
    }

    @Override
    public ServiceDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public void bind(GrpcServer server) {
        server.callHandler(GrpcHealthCheckV1Handler.SERVICE_METHOD, new GrpcHealthCheckV1Handler(server, checks) {
            @Override
            protected Future<ServingStatus> checkStatus(String service) {
                return status(service, super::checkStatus);
            }
        });
        server.callHandler(GrpcHealthWatchV1Handler.SERVICE_METHOD, new GrpcHealthWatchV1Handler(vertx, server, checks) {
            @Override
            protected Future<ServingStatus> checkStatus(String service) {
                if (service != null && service.startsWith(MODEL_PREFIX) && !checks.containsKey(service)) {
                    // a model that left the repository (or never was in it): watchers are told, not dropped
                    return Future.succeededFuture(ServingStatus.SERVICE_UNKNOWN);
                }
                return status(service, super::checkStatus);
            }
        });
        server.callHandler(GrpcHealthListV1Handler.SERVICE_METHOD, new GrpcHealthListV1Handler(server, checks));
    }

    private Future<ServingStatus> status(String service, java.util.function.Function<String, Future<ServingStatus>> vertx) {
        if (service == null || service.isBlank()) {
            return checks.get("").get().map(ok -> ok ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
        }
        return vertx.apply(service);
    }
}
