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
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The server with the real engine on the shared MobileNetV2 (skipped when ../shared is absent). */
class RealEngineServerTest {
    private static final Path SHARED = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared");

    @Test
    void explainsARealPhotoTheSameWayUnaryAndStreamed() throws Exception {
        Path models = SHARED.resolve("models");
        Path photo = SHARED.resolve("images/both.png");
        assumeTrue(Files.isDirectory(models) && Files.isRegularFile(photo), "shared model and photos not present");
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + models, "--warmup-ms=0", "--batch-size=16", "--workers=1", "--codec-threads=1");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RunningServer server = ServerAssembler.of(config).registry(registry).start().awaitReady(Duration.ofSeconds(120))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            try {
                var stub = ExplainServiceGrpc.newBlockingStub(channel);
                List<ModelInfo> listed = stub.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
                assertTrue(listed.stream().anyMatch(m -> m.getNumClasses() == 1000 && m.getChannels() == 1280
                        && m.getLayerWidth() == 7), listed.toString());
                // MobileNetV2-int8's head splits off at its last layer: every method is offered
                assertTrue(listed.stream().allMatch(m -> m.getMethodsList().containsAll(List.of(Method.SCORE_CAM,
                        Method.FASTER_SCORE_CAM, Method.RECIPRO_CAM, Method.EIGEN_CAM))), listed.toString());

                ExplainRequest req = ExplainRequest.newBuilder().setFrameId(5)
                        .setEncoded(ByteString.copyFrom(Files.readAllBytes(photo)))
                        .setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(16)
                        .setWantValues(true).setWantPng(true).setWantOverlay(true).build();
                ExplainResponse unary = stub.explain(req);
                // the photo shows a bull mastiff (243) and a tiger cat (282): the engine's own tests pin the
                // probabilities; here the labels must belong to the class ids
                List<Integer> top2 = unary.getPredictionsList().subList(0, 2).stream().map(p -> p.getClassId()).toList();
                assertTrue(top2.containsAll(List.of(243, 282)), unary.getPredictionsList().toString());
                unary.getPredictionsList().stream().filter(p -> p.getClassId() == 243)
                        .forEach(p -> assertEquals("bull mastiff", p.getLabel()));
                assertEquals(224 * 224, unary.getMaps(0).getValuesCount());
                assertNotNull(ImageIO.read(new ByteArrayInputStream(unary.getMaps(0).getPng().toByteArray())));
                assertNotNull(ImageIO.read(new ByteArrayInputStream(unary.getMaps(0).getOverlayJpeg().toByteArray())));

                List<ExplainResponse> got = new CopyOnWriteArrayList<>();
                CountDownLatch done = new CountDownLatch(1);
                Status[] status = new Status[1];
                StreamObserver<ExplainRequest> out = ExplainServiceGrpc.newStub(channel).explainStream(
                        new StreamObserver<>() {
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
                out.onNext(req);
                out.onNext(req.toBuilder().setFrameId(6).setEncoded(ByteString.copyFromUtf8("garbage")).build());
                out.onCompleted();
                assertTrue(done.await(60, TimeUnit.SECONDS));
                assertEquals(Status.Code.OK, status[0].getCode());
                assertEquals(FrameStatus.OK, got.get(0).getStatus());
                assertEquals(unary.getMapsList(), got.get(0).getMapsList());
                assertEquals(FrameStatus.ERROR, got.get(1).getStatus());
                assertEquals("INVALID_ARGUMENT", got.get(1).getErrorCode());
            } finally {
                channel.shutdownNow();
            }
        }
    }

    /** Mean items per scoring batch recorded so far: (sum of sizes, number of batches). */
    private static double[] scoringBatches(PrometheusMeterRegistry registry) {
        double total = 0;
        double count = 0;
        for (var summary : registry.find("scorecam.batch.size").summaries()) {
            if (summary.getId().getTag("kind").contains("/scoring-")) {
                total += summary.totalAmount();
                count += summary.count();
            }
        }
        return new double[]{total, count};
    }

    private static ExplainRequest noiseFrame(long id) {
        byte[] px = new byte[224 * 224 * 3];
        new java.util.Random(id).nextBytes(px); // distinct frames: no cache hits
        return ExplainRequest.newBuilder().setFrameId(id).setMethod(Method.FASTER_SCORE_CAM).setMaxChannels(16)
                .setRaw(io.scorecam.api.v1.RawImage.newBuilder().setWidth(224).setHeight(224)
                        .setFormat(io.scorecam.api.v1.PixelFormat.RGB8).setPixels(ByteString.copyFrom(px))).build();
    }

    private static void runStreams(ManagedChannel channel, int streams, int frames, long firstId) throws Exception {
        CountDownLatch done = new CountDownLatch(streams);
        List<Status> statuses = new CopyOnWriteArrayList<>();
        for (int s = 0; s < streams; s++) {
            StreamObserver<ExplainRequest> out = ExplainServiceGrpc.newStub(channel).explainStream(new StreamObserver<>() {
                public void onNext(ExplainResponse r) {
                    assertEquals(FrameStatus.OK, r.getStatus(), r.getErrorMessage());
                }

                public void onError(Throwable t) {
                    statuses.add(Status.fromThrowable(t));
                    done.countDown();
                }

                public void onCompleted() {
                    statuses.add(Status.OK);
                    done.countDown();
                }
            });
            for (int f = 0; f < frames; f++) {
                out.onNext(noiseFrame(firstId + s * 1000L + f));
            }
            out.onCompleted();
        }
        assertTrue(done.await(120, TimeUnit.SECONDS), "streams did not finish");
        assertTrue(statuses.stream().allMatch(Status::isOk), statuses.toString());
    }

    @Test
    void batchesFromSeveralStreamsAreFullerThanFromOne() throws Exception {
        Path models = SHARED.resolve("models");
        assumeTrue(Files.isDirectory(models), "shared model not present");
        // one frame in flight per stream: a lone stream can never fill more than one frame's 16 items
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + models, "--warmup-ms=0", "--batch-size=32", "--workers=1", "--stream-window=1", "--max-delay-ms=2");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (RunningServer server = ServerAssembler.of(config).registry(registry).start().awaitReady(Duration.ofSeconds(120))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            try {
                double[] start = scoringBatches(registry);
                runStreams(channel, 1, 4, 1);
                double[] afterOne = scoringBatches(registry);
                runStreams(channel, 4, 4, 100_000);
                double[] afterFour = scoringBatches(registry);
                double meanOne = (afterOne[0] - start[0]) / (afterOne[1] - start[1]);
                double meanFour = (afterFour[0] - afterOne[0]) / (afterFour[1] - afterOne[1]);
                System.out.printf("mean scoring batch: 1 stream %.1f items, 4 streams %.1f items%n", meanOne, meanFour);
                assertTrue(meanOne <= 16.0, "one stream, one frame of 16 items at a time: " + meanOne);
                assertTrue(meanFour > meanOne, "4 streams " + meanFour + " vs 1 stream " + meanOne);
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
