package io.scorecam.loadtest.fidelity;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.MapSize;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.SaliencyMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FidelityRun} against a fake server with hand-made maps. Frame a.png (8x8) boxes class 1 on the left
 * half and class 2 on the right; b.png has no boxes (exact's top-1, class 3). Exact peaks inside each class's
 * box; FASTER_SCORE_CAM answers 2 x exact + 1 (r = 1) peaking on the right for both classes; EIGEN_CAM answers
 * exact reversed (r = -1) peaking on the left for both; RECIPRO_CAM is rejected.
 */
class FidelityRunTest {
    @TempDir
    Path dir;

    private final List<ExplainRequest> received = new CopyOnWriteArrayList<>();
    private volatile boolean breakFasterOnB;
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        Files.write(dir.resolve("a.png"), new byte[] {1});
        Files.write(dir.resolve("b.png"), new byte[] {2});
        Files.writeString(dir.resolve("boxes.json"), """
                {"width": 8, "height": 8, "frames": [{"file": "a.png", "objects": [
                  {"class_id": 1, "box": [0, 0, 4, 8]}, {"class_id": 2, "box": [4, 0, 8, 8]}]}]}
                """);
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new ExplainServiceGrpc.ExplainServiceImplBase() {
                    @Override
                    public void explain(ExplainRequest request, StreamObserver<ExplainResponse> responses) {
                        received.add(request);
                        boolean frameB = request.getEncoded().byteAt(0) == 2;
                        if (request.getMethod() == Method.RECIPRO_CAM
                                || (breakFasterOnB && frameB && request.getMethod() == Method.FASTER_SCORE_CAM)) {
                            responses.onError(Status.INVALID_ARGUMENT.withDescription("not available").asRuntimeException());
                            return;
                        }
                        List<Integer> classes = request.getTargetClassesCount() > 0 ? request.getTargetClassesList()
                                : List.of(3);
                        ExplainResponse.Builder r = ExplainResponse.newBuilder().setStatus(FrameStatus.OK);
                        for (int c : classes) {
                            r.addMaps(map(request, c));
                        }
                        responses.onNext(r.build());
                        responses.onCompleted();
                    }
                }).build().start();
        channel = Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create()).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    private static SaliencyMap map(ExplainRequest request, int classId) {
        boolean original = request.getMapSize() == MapSize.ORIGINAL;
        int side = original ? 8 : 4;
        float[] v = new float[side * side];
        if (original) { // one peak, on the left (x 1) or the right (x 6) of row 3
            boolean left = switch (request.getMethod()) {
                case FASTER_SCORE_CAM -> false;
                case EIGEN_CAM -> true;
                default -> classId == 1;
            };
            v[3 * side + (left ? 1 : 6)] = 1;
        } else { // a class-specific ramp
            for (int i = 0; i < v.length; i++) {
                float exact = (i * (classId + 1)) % 7;
                v[i] = switch (request.getMethod()) {
                    case FASTER_SCORE_CAM -> 2 * exact + 1;
                    case EIGEN_CAM -> -exact;
                    default -> exact;
                };
            }
        }
        SaliencyMap.Builder m = SaliencyMap.newBuilder().setClassId(classId).setWidth(side).setHeight(side);
        for (float x : v) {
            m.addValues(x);
        }
        if (request.getWantMetrics()) {
            m.setFaithfulness(Faithfulness.newBuilder().setDrop(request.getMethod() == Method.EIGEN_CAM ? 0.5f : 0.1f)
                    .setIncrease(request.getMethod() == Method.SCORE_CAM).setDeletionAuc(0.2f).setInsertionAuc(0.6f));
        }
        return m.build();
    }

    private List<FidelityRow> run(PrintStream out) throws IOException {
        return new FidelityRun(channel, "fake", out).run(FidelityRun.pickFrames(dir, 0), GroundTruthBoxes.find(dir),
                List.of(Method.SCORE_CAM, Method.FASTER_SCORE_CAM, Method.RECIPRO_CAM, Method.EIGEN_CAM),
                new FidelityRun.Settings(List.of(Convention.SEED), 0, 8), Map.of(Method.EIGEN_CAM, 40.0));
    }

    @Test
    void scoresEachMethodAgainstExactOnTheSameFramesAndClasses() throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<FidelityRow> rows = run(new PrintStream(log, true, StandardCharsets.UTF_8));
        String printed = log.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("SCORE_CAM", "FASTER_SCORE_CAM", "EIGEN_CAM"), rows.stream().map(FidelityRow::method).toList());
        assertTrue(printed.contains("FIDELITY_NOT_AVAILABLE model=fake method=RECIPRO_CAM convention=SEED "
                + "reason=\"INVALID_ARGUMENT: not available\""), printed);

        FidelityRow exact = rows.get(0);
        assertEquals(3, exact.maps(), "a.png: classes 1 and 2; b.png: exact's top-1");
        assertTrue(Double.isNaN(exact.pearson()));
        assertEquals(1.0, exact.pointing(), 1e-12);
        assertEquals(2, exact.pointingMaps(), "b.png has no boxes");
        assertEquals(100.0, exact.increasePct(), 1e-9);

        FidelityRow faster = rows.get(1);
        assertEquals(1.0, faster.pearson(), 1e-9);
        assertEquals(3, faster.pearsonMaps());
        assertEquals(0.5, faster.pointing(), 1e-12, "right for both classes: class 2 hits, class 1 misses");
        assertEquals(10.0, faster.averageDropPct(), 1e-4);
        assertTrue(Double.isNaN(faster.framesPerSecond()), "not measured: n/a");

        FidelityRow eigen = rows.get(2);
        assertEquals(-1.0, eigen.pearson(), 1e-9);
        assertEquals(0.5, eigen.pointing(), 1e-12);
        assertEquals(50.0, eigen.averageDropPct(), 1e-4);
        assertEquals(3, eigen.metricMaps());
        assertEquals(40.0, eigen.framesPerSecond());

        List<ExplainRequest> exactOnA = received.stream().filter(r -> r.getEncoded().byteAt(0) == 1
                && r.getMethod() == Method.SCORE_CAM && r.getMapSize() == MapSize.MODEL_INPUT).toList();
        assertEquals(List.of(1, 2), exactOnA.get(0).getTargetClassesList(), "the boxed classes");
        assertTrue(exactOnA.get(0).getWantMetrics());
        assertEquals(8, exactOnA.get(0).getMetricSteps());
        List<ExplainRequest> fastOnB = received.stream().filter(r -> r.getEncoded().byteAt(0) == 2
                && r.getMethod() == Method.EIGEN_CAM).toList();
        assertEquals(List.of(List.of(3)), fastOnB.stream().map(ExplainRequest::getTargetClassesList).toList(),
                "exact's class, and no ORIGINAL map without boxes");
        List<ExplainRequest> originals = received.stream().filter(r -> r.getMapSize() == MapSize.ORIGINAL).toList();
        assertEquals(3, originals.size(), "one per available method, on a.png only");
        assertFalse(originals.stream().anyMatch(ExplainRequest::getWantMetrics));
    }

    @Test
    void aMethodThatFailsAfterWorkingIsAFailureNotUnavailable() {
        breakFasterOnB = true;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("FASTER_SCORE_CAM failed on b.png"), e.getMessage());
    }

    @Test
    void framesArePickedEvenlyOverTheFolder() throws IOException {
        for (int i = 0; i < 10; i++) {
            Files.write(dir.resolve(String.format("f%02d.jpg", i)), new byte[] {0});
        }
        List<String> picked = new ArrayList<>();
        FidelityRun.pickFrames(dir, 4).forEach(p -> picked.add(p.getFileName().toString()));
        // a.png, b.png, f00..f09: 12 files, every third
        assertEquals(List.of("a.png", "f01.jpg", "f04.jpg", "f07.jpg"), picked);
        assertEquals(12, FidelityRun.pickFrames(dir, 0).size());
    }
}
