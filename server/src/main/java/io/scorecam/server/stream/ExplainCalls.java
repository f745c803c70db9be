package io.scorecam.server.stream;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.scorecam.api.v1.ExplainServiceGrpcService;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.Service;

import java.util.concurrent.Executor;

/**
 * Binds the three ExplainService methods to raw Vert.x call handlers: the generated service base class hides
 * what the stream sessions need (pause/resume, deadline, reset and oversize events).
 */
final class ExplainCalls implements Service {
    private final Vertx vertx;
    private final FrameProcessor pipeline;
    private final ModelCatalog catalog;
    private final CallRegistry calls;
    private final ServerMetrics metrics;
    private final int streamWindow;
    private final long maxMessageBytes;
    private final Executor inflater;

    /** @param inflater where gzip messages are inflated (never the event loop) */
    ExplainCalls(Vertx vertx, FrameProcessor pipeline, ModelCatalog catalog, CallRegistry calls,
                 ServerMetrics metrics, int streamWindow, long maxMessageBytes, Executor inflater) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.calls = calls;
        this.metrics = metrics;
        this.streamWindow = streamWindow;
        this.maxMessageBytes = maxMessageBytes;
        this.inflater = inflater;
    }

    @Override
    public ServiceName name() {
        return ExplainServiceGrpcService.SERVICE_NAME;
    }

    @Override
    public ServiceDescriptor descriptor() {
        return ExplainServiceGrpcService.SERVICE_DESCRIPTOR;
    }

    @Override
    public void bind(GrpcServer server) {
        server.callHandler(ExplainServiceGrpcService.ExplainStream, request -> {
            StreamSession session = new StreamSession(vertx, request, pipeline, metrics, streamWindow, maxMessageBytes,
                    inflater);
            calls.add(session);
            session.start();
        });
        server.callHandler(ExplainServiceGrpcService.Explain, request -> {
            UnaryExplainCall call = new UnaryExplainCall(vertx, request, pipeline, maxMessageBytes, inflater);
            calls.add(call);
            call.start();
        });
        server.callHandler(ExplainServiceGrpcService.ListModels,
                request -> new ListModelsCall(vertx, request, catalog::listing, maxMessageBytes, inflater).start());
    }
}
