package io.scorecam.server.stream;

import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.scorecam.api.v1.ExplainServiceGrpcService;
import io.scorecam.server.metrics.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.Service;

import java.util.concurrent.Executor;

/**
 * Binds the three ExplainService methods to raw Vert.x call handlers: the generated service base class hides
 * what the stream sessions need (pause/resume, deadline, reset and oversize events).
 */
final class ExplainCalls implements Service {
    private final Vertx vertx;
    private final CallRegistry calls;
    private final ServerMetrics metrics;
    private final int streamWindow;
    private final long maxMessageBytes;
    private final Executor inflater;
    private final int maxStreams;
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

    /** What a call needs from the engine; null until the models are loaded (the gate refuses calls until then). */
    private volatile Engine engine;
    private final WarmUpKey warmUpKey;

    /**
     * @param warmPipeline   the frame path of the server's own warm-up calls (its metrics are not the clients')
     * @param warmMetrics    where those calls' stream meters go
     */
    record Engine(FrameProcessor pipeline, ModelCatalog catalog, FrameProcessor warmPipeline, ServerMetrics warmMetrics) {
    }

    /**
     * @param inflater   where gzip messages are inflated (never the event loop)
     * @param maxStreams most ExplainStream calls open at once, over all listeners (--max-streams)
     * @param warmUpKey  marks the server's own warm-up calls ({@link TransportWarmUp}): run apart, uncounted
     */
    ExplainCalls(Vertx vertx, CallRegistry calls, ServerMetrics metrics, int streamWindow, long maxMessageBytes,
                 Executor inflater, int maxStreams, WarmUpKey warmUpKey) {
        this.warmUpKey = warmUpKey;
        this.vertx = vertx;
        this.calls = calls;
        this.metrics = metrics;
        this.streamWindow = streamWindow;
        this.maxMessageBytes = maxMessageBytes;
        this.inflater = inflater;
        this.maxStreams = maxStreams;
    }

    /** Connects the loaded engine; calls are accepted from then on. */
    void attach(Engine engine) {
        this.engine = engine;
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
            Engine e = engine;
            if (e == null) {
                notReady(request);
                return;
            }
            if (warmUpKey.matches(request.headers())) { // no client's stream: not counted, not drained
                new StreamSession(vertx, request, e.warmPipeline(), e.warmMetrics(), streamWindow, maxMessageBytes,
                        inflater).start();
                return;
            }
            if (openStreams.incrementAndGet() > maxStreams) {
                openStreams.decrementAndGet();
                request.response().status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("the server already serves "
                        + maxStreams + " streams (--max-streams): retry later or use another replica").end();
                return;
            }
            StreamSession session = new StreamSession(vertx, request, e.pipeline(), metrics, streamWindow, maxMessageBytes,
                    inflater);
            session.closed().onComplete(v -> openStreams.decrementAndGet());
            calls.add(session);
            session.start();
        });
        server.callHandler(ExplainServiceGrpcService.Explain, request -> {
            Engine e = engine;
            if (e == null) {
                notReady(request);
                return;
            }
            if (warmUpKey.matches(request.headers())) {
                new UnaryExplainCall(vertx, request, e.warmPipeline(), maxMessageBytes, inflater).start();
                return;
            }
            UnaryExplainCall call = new UnaryExplainCall(vertx, request, e.pipeline(), maxMessageBytes, inflater);
            calls.add(call);
            call.start();
        });
        server.callHandler(ExplainServiceGrpcService.ListModels, request -> {
            Engine e = engine;
            if (e == null) {
                notReady(request);
                return;
            }
            new ListModelsCall(vertx, request, e.catalog()::listing, maxMessageBytes, inflater).start();
        });
    }

    /** Only reachable in the instant between the gate's check and attach: the gate refuses calls before. */
    private static void notReady(GrpcServerRequest<?, ?> request) {
        request.response().status(GrpcStatus.UNAVAILABLE).statusMessage("server is starting: models are loading").end();
    }
}
