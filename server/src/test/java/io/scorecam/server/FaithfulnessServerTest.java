package io.scorecam.server;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** want_metrics through the gRPC server with the real engine on the bundled model. */
class FaithfulnessServerTest {
    private static final Path REPO = Path.of(System.getProperty("scorecam.repo.root", "."));
    private static final int STEPS = 8;

    @Test
    void metricsOnEveryMapCountedInForwardPassesAndBadStepsFailOnlyTheirFrame() throws Exception {
        byte[] png = Files.readAllBytes(REPO.resolve("models/shapes/frames/frame_003.png"));
        byte[] other = Files.readAllBytes(REPO.resolve("models/shapes/frames/frame_010.png"));
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=0",
                "--model-dir=" + REPO.resolve("models"), "--warmup-ms=0", "--batch-size=16", "--workers=1", "--codec-threads=1");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RunningServer server = ServerAssembler.of(config).registry(registry).start().awaitReady(Duration.ofSeconds(120))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            try {
                ExplainRequest plain = ExplainRequest.newBuilder().setFrameId(1)
                        .setEncoded(ByteString.copyFrom(png)).setTopK(2).setMapSize(MapSize.LAYER).build();
                List<ExplainResponse> got = new java.util.ArrayList<>(stream(channel, List.of(plain)));
                got.addAll(stream(channel, List.of(
                        // the same frame again: its feature and masked passes are cached, so what it costs is
                        // the metrics alone
                        plain.toBuilder().setFrameId(2).setWantMetrics(true).setMetricSteps(STEPS).build(),
                        plain.toBuilder().setFrameId(3).setWantMetrics(true).setMetricSteps(1000).build(),
                        ExplainRequest.newBuilder().setFrameId(4).setEncoded(ByteString.copyFrom(other))
                                .setWantMetrics(true).build())));
                assertEquals(4, got.size());
                got.stream().filter(r -> r.getFrameId() != 3)
                        .forEach(r -> assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage()));
                assertTrue(got.get(0).getForwardPasses() > 1, "the first explanation runs the passes");
                assertTrue(got.get(0).getMapsList().stream().noneMatch(SaliencyMap::hasFaithfulness));

                ExplainResponse measured = got.get(1);
                assertEquals(2, measured.getMapsCount());
                for (SaliencyMap map : measured.getMapsList()) {
                    checkFaithfulness(map, STEPS);
                }
                // two maps of n steps: each its own explanation image and n - 1 deletion and insertion
                // images, plus the all-zero and the blurred image they share: 2 (2n - 1) + 2
                assertEquals(4 * STEPS, measured.getForwardPasses());

                assertEquals(FrameStatus.ERROR, got.get(2).getStatus());
                assertEquals("INVALID_ARGUMENT", got.get(2).getErrorCode());
                assertTrue(got.get(2).getErrorMessage().contains("metric_steps"), got.get(2).getErrorMessage());

                ExplainResponse defaults = got.get(3);
                assertEquals(1, defaults.getMapsCount());
                checkFaithfulness(defaults.getMaps(0), 32);
                assertTrue(defaults.getForwardPasses() >= 2 * 32 + 1 + 1,
                        "feature pass + 2n + 1 metric passes at least: " + defaults.getForwardPasses());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static void checkFaithfulness(SaliencyMap map, int steps) {
        assertTrue(map.hasFaithfulness(), "map of class " + map.getClassId() + " has no faithfulness");
        Faithfulness f = map.getFaithfulness();
        assertEquals(steps + 1, f.getDeletionCurveCount());
        assertEquals(steps + 1, f.getInsertionCurveCount());
        assertEquals(map.getProbability(), f.getOriginalScore(), 1e-6);
        assertEquals(f.getOriginalScore(), f.getDeletionCurve(0), 0f);
        assertEquals(f.getOriginalScore(), f.getInsertionCurve(steps), 0f);
        assertTrue(f.getDeletionAuc() >= 0 && f.getDeletionAuc() <= 1, "deletion AUC " + f.getDeletionAuc());
        assertTrue(f.getInsertionAuc() >= 0 && f.getInsertionAuc() <= 1, "insertion AUC " + f.getInsertionAuc());
        assertTrue(f.getExplanationScore() >= 0 && f.getExplanationScore() <= 1);
    }

    private static List<ExplainResponse> stream(ManagedChannel channel, List<ExplainRequest> requests)
            throws InterruptedException {
        List<ExplainResponse> got = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Status[] status = new Status[1];
        StreamObserver<ExplainRequest> out = ExplainServiceGrpc.newStub(channel).explainStream(new StreamObserver<>() {
            public void onNext(ExplainResponse r) {
                got.add(r);
            }

            public void onError(Throwable t) {
                status[0] = Status.fromThrowable(t);
                done.countDown();
            }

            public void onCompleted() {
                status[0] = Status.OK;
                done.countDown();
            }
        });
        requests.forEach(out::onNext);
        out.onCompleted();
        assertTrue(done.await(120, TimeUnit.SECONDS), "stream did not end");
        assertEquals(Status.Code.OK, status[0].getCode(), String.valueOf(status[0]));
        return got;
    }
}
