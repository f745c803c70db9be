package io.scorecam.server.tracing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** TEST ONLY: the real engine on the bundled model, its frame spans kept in memory. */
final class TracedServer implements AutoCloseable {
    static final Metadata.Key<String> TRACEPARENT = Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER);

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final RunningServer server;
    final ManagedChannel channel;
    private final List<Path> frames;

    /** @param flags extra server flags (e.g. --trace-sample-ratio=0); --otlp-endpoint is not needed */
    TracedServer(String... flags) throws Exception {
        Path bundled = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models");
        try (Stream<Path> s = Files.list(bundled.resolve("shapes/frames"))) {
            frames = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + bundled, "--workers=1", "--codec-threads=2", "--warmup-ms=0", "--batch-size=8"));
        args.addAll(List.of(flags));
        ServerConfig config = ServerConfig.parse(args.toArray(String[]::new));
        FrameTracer tracer = FrameTracer.from(config.tracing(), SimpleSpanProcessor.create(spans));
        server = ServerAssembler.of(config).registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .tracer(tracer).start().awaitReady(Duration.ofSeconds(120));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
    }

    ExplainRequest frame(int i) throws Exception {
        return ExplainRequest.newBuilder().setFrameId(i)
                .setEncoded(ByteString.copyFrom(Files.readAllBytes(frames.get(i % frames.size())))).build();
    }

    ExplainServiceGrpc.ExplainServiceBlockingStub blocking(String traceparent) {
        var stub = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        return traceparent == null ? stub : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(traceparent)));
    }

    /** Sends the frames on one ExplainStream call and returns the answers in order. */
    List<ExplainResponse> stream(List<ExplainRequest> requests, String traceparent) throws Exception {
        var stub = ExplainServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        if (traceparent != null) {
            stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers(traceparent)));
        }
        List<ExplainResponse> answers = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<ExplainRequest> out = stub.explainStream(new StreamObserver<>() {
            @Override
            public void onNext(ExplainResponse r) {
                answers.add(r);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        done.get(60, TimeUnit.SECONDS);
        return answers;
    }

    /** The finished spans once {@code frames} frame spans have ended (they end just before the answer goes). */
    List<SpanData> awaitFrameSpans(int frames) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            List<SpanData> all = spans.getFinishedSpanItems();
            if (all.stream().filter(s -> s.getName().equals("scorecam.frame")).count() >= frames) {
                return all;
            }
            Thread.sleep(10);
        }
        return spans.getFinishedSpanItems();
    }

    private static Metadata headers(String traceparent) {
        Metadata md = new Metadata();
        md.put(TRACEPARENT, traceparent);
        return md;
    }

    @Override
    public void close() throws Exception {
        channel.shutdownNow();
        server.close();
    }
}
