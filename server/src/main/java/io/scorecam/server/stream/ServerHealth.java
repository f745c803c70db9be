package io.scorecam.server.stream;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.scorecam.api.v1.ExplainServiceGrpcService;
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
 * starting and draining. Further names (e.g. per model) are added with {@link #register}.
 */
final class ServerHealth implements Service {
    private static final ServiceName NAME = ServiceName.create("grpc.health.v1.Health");
    private static final ServiceDescriptor DESCRIPTOR = HealthProto.getDescriptor().findServiceByName("Health");

    private final Vertx vertx;
    private final Map<String, Supplier<Future<Boolean>>> checks = new ConcurrentHashMap<>();

    ServerHealth(Vertx vertx, Readiness readiness) {
        this.vertx = vertx;
        Supplier<Future<Boolean>> serving = () -> Future.succeededFuture(readiness.isServing());
        checks.put("", serving);
        checks.put(ExplainServiceGrpcService.SERVICE_NAME.fullyQualifiedName(), serving);
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
