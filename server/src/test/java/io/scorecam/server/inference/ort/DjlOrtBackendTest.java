package io.scorecam.server.inference.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.LongTensor;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.inference.TensorInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class DjlOrtBackendTest {

    private static DjlOrtBackend backend;
    private static InferenceSession cnn;

    @BeforeAll
    static void open() {
        backend = new DjlOrtBackend(BackendOptions.defaults().withIntraOpThreads(1));
        cnn = backend.open(Fixtures.model("tiny_cnn.onnx"), "tiny-cnn");
    }

    @AfterAll
    static void closeAll() {
        backend.close();
    }

    @Test
    void describesInputsAndOutputsWithDynamicBatch() {
        assertEquals(1, cnn.inputs().size());
        TensorInfo x = cnn.inputs().get(0);
        assertEquals("x", x.name());
        assertEquals(TensorInfo.ElementType.FLOAT, x.type());
        assertArrayEquals(new long[] {-1, 2, 5, 5}, x.shape());
        assertEquals(List.of("logits", "features"), cnn.outputs().stream().map(TensorInfo::name).toList());
        assertArrayEquals(new long[] {-1, 4}, cnn.outputs().get(0).shape());
        assertArrayEquals(new long[] {-1, 3, 5, 5}, cnn.outputs().get(1).shape());
        assertEquals("cpu", backend.device());
    }

    @Test
    void batchOfSeveralMatchesHandComputation() {
        int batch = 3;
        FloatTensor x = Fixtures.random(7, batch, 2, 5, 5);
        Map<String, FloatTensor> out = cnn.run(Map.of("x", x), List.of("logits", "features"));
        assertArrayEquals(new long[] {batch, 4}, out.get("logits").shape());
        assertArrayEquals(new long[] {batch, 3, 5, 5}, out.get("features").shape());
        float[] input = x.toArray();
        float[] logits = out.get("logits").toArray();
        float[] features = out.get("features").toArray();
        int imageSize = 2 * 25;
        for (int n = 0; n < batch; n++) {
            double[] expectLogits = TinyCnnReference.logits(input, n * imageSize);
            double[] expectFeatures = TinyCnnReference.features(input, n * imageSize);
            for (int k = 0; k < 4; k++) {
                assertEquals(expectLogits[k], logits[n * 4 + k], 1e-5, "logit " + k + " of image " + n);
            }
            for (int i = 0; i < expectFeatures.length; i++) {
                assertEquals(expectFeatures[i], features[n * 75 + i], 1e-5, "feature " + i + " of image " + n);
            }
        }
    }

    @Test
    void returnsOnlyRequestedOutputsAndAcceptsHeapInput() {
        float[] values = Fixtures.random(3, 1, 2, 5, 5).toArray();
        Map<String, FloatTensor> out = cnn.run(Map.of("x", FloatTensor.wrap(values, 1, 2, 5, 5)), List.of("logits"));
        assertEquals(List.of("logits"), List.copyOf(out.keySet()));
        double[] expect = TinyCnnReference.logits(values, 0);
        for (int k = 0; k < 4; k++) {
            assertEquals(expect[k], out.get("logits").toArray()[k], 1e-5);
        }
    }

    @Test
    void int64InputFeedsGather() {
        try (InferenceSession gather = backend.open(Fixtures.model("gather_int64.onnx"), "gather")) {
            assertEquals(TensorInfo.ElementType.INT64, gather.inputs().get(1).type());
            FloatTensor table = Fixtures.random(11, 4, 3);
            LongTensor index = LongTensor.allocate(3);
            index.data().put(0, 2).put(1, 0).put(2, 3);
            float[] picked = gather.run(Map.of("table", table, "index", index), List.of("picked"))
                    .get("picked").toArray();
            float[] t = table.toArray();
            long[] rows = {2, 0, 3};
            for (int m = 0; m < 3; m++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(2 * t[(int) rows[m] * 3 + c], picked[m * 3 + c], 0f);
                }
            }
        }
    }

    @Test
    void backendErrorIsInternalAndNamesTheSession() {
        try (InferenceSession gather = backend.open(Fixtures.model("gather_int64.onnx"), "gather")) {
            LongTensor index = LongTensor.allocate(1);
            index.data().put(0, 99);
            ScoreCamException e = assertThrows(ScoreCamException.class,
                    () -> gather.run(Map.of("table", Fixtures.random(1, 4, 3), "index", index), List.of()));
            assertEquals(ErrorCode.INTERNAL, e.code());
            assertTrue(e.getMessage().startsWith("gather: "), e.getMessage());
            assertTrue(e.getMessage().contains("out of data bounds"), e.getMessage()); // ORT's own words
        }
    }

    @Test
    void concurrentRunsFromFourThreadsGiveIdenticalResults() throws Exception {
        int distinct = 5;
        List<FloatTensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            FloatTensor x = Fixtures.random(100 + i, 2, 2, 5, 5);
            inputs.add(x);
            expected.add(cnn.run(Map.of("x", x), List.of("logits")).get("logits").toArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    for (int r = 0; r < 40; r++) {
                        int i = (r + offset) % distinct;
                        float[] got = cnn.run(Map.of("x", inputs.get(i)), List.of("logits")).get("logits").toArray();
                        if (!Arrays.equals(expected.get(i), got)) {
                            return r;
                        }
                    }
                    return -1;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(-1, f.get(), "a concurrent run differed from the sequential one");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void corruptModelGivesClearErrorNamingIt() {
        byte[] good = Fixtures.model("tiny_cnn.onnx");
        byte[] truncated = Arrays.copyOf(good, good.length / 2);
        for (byte[] bad : List.of("not an onnx model at all".getBytes(), truncated)) {
            ScoreCamException e = assertThrows(ScoreCamException.class, () -> backend.open(bad, "broken-model"));
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
            assertTrue(e.getMessage().contains("'broken-model' cannot be loaded by ONNX Runtime"), e.getMessage());
        }
        assertThrows(ScoreCamException.class, () -> backend.open(new byte[0], "empty-model"));
    }

    @Test
    void wrongInputsAreInvalidArguments() {
        FloatTensor good = Fixtures.random(1, 1, 2, 5, 5);
        assertInvalid(() -> cnn.run(Map.of("y", good), List.of()), "'y' is not an input");
        assertInvalid(() -> cnn.run(Map.of(), List.of()), "input 'x' is missing");
        assertInvalid(() -> cnn.run(Map.of("x", Fixtures.random(1, 1, 3, 5, 5)), List.of()), "input 'x' has shape [1, 3, 5, 5]");
        assertInvalid(() -> cnn.run(Map.of("x", Fixtures.random(1, 2, 5, 5)), List.of()), "input 'x' has shape");
        assertInvalid(() -> cnn.run(Map.<String, Tensor>of("x", LongTensor.allocate(1, 2, 5, 5)), List.of()), "must be FLOAT");
        assertInvalid(() -> cnn.run(Map.of("x", good), List.of("probs")), "'probs' is not an output");
    }

    @Test
    void closedSessionRefusesToRun() {
        InferenceSession s = backend.open(Fixtures.model("tiny_cnn.onnx"), "short-lived");
        s.close();
        s.close(); // twice is harmless
        ScoreCamException e = assertThrows(ScoreCamException.class,
                () -> s.run(Map.of("x", Fixtures.random(1, 1, 2, 5, 5)), List.of()));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
    }

    @Test
    void closingTheBackendClosesItsSessions() {
        DjlOrtBackend own = new DjlOrtBackend(BackendOptions.defaults().withIntraOpThreads(1));
        InferenceSession s = own.open(Fixtures.model("tiny_cnn.onnx"), "owned");
        own.close();
        assertEquals(ErrorCode.FAILED_PRECONDITION, assertThrows(ScoreCamException.class,
                () -> s.run(Map.of("x", Fixtures.random(1, 1, 2, 5, 5)), List.of())).code());
        assertEquals(ErrorCode.FAILED_PRECONDITION, assertThrows(ScoreCamException.class,
                () -> own.open(Fixtures.model("tiny_cnn.onnx"), "late")).code());
    }

    @Test
    void cudaOnCpuOnlyBuildFailsWithOneClearMessage() {
        assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA), "GPU runtime present");
        ScoreCamException e = assertThrows(ScoreCamException.class,
                () -> new DjlOrtBackend(BackendOptions.defaults(DeviceSpec.parse("cuda:1"))));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().contains("device cuda:1 requested"), e.getMessage());
        assertTrue(e.getMessage().contains("CPU-only ONNX Runtime"), e.getMessage());
        assertTrue(e.getMessage().contains("mvn -Pgpu"), e.getMessage());
    }

    private static void assertInvalid(Runnable call, String fragment) {
        ScoreCamException e = assertThrows(ScoreCamException.class, call::run);
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().startsWith("tiny-cnn: "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
