package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.server.config.ServerConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** TEST ONLY: an in-process server on an ephemeral loopback port with a controllable explainer. */
final class TestServer implements AutoCloseable {
    final ControllableExplainer explainer = new ControllableExplainer();
    final TestMapEncoder encoder = new TestMapEncoder();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ScoreCamServer server;
    final ManagedChannel channel;

    TestServer(String... flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=0",
                "--codec-threads=2", "--grace-period-ms=2000"));
        args.addAll(List.of(flags));
        ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
        server = ScoreCamServer.start(config, explainer, encoder, registry)
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    ExplainServiceGrpc.ExplainServiceStub async() {
        return ExplainServiceGrpc.newStub(channel);
    }

    ExplainServiceGrpc.ExplainServiceBlockingStub blocking() {
        return ExplainServiceGrpc.newBlockingStub(channel);
    }

    void shutdownServer() throws Exception {
        server.shutdown().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        shutdownServer();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
