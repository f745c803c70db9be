package io.scorecam.server.engine;

import io.scorecam.server.engine.api.EngineOptions;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.model.ModelConfig;
import io.scorecam.server.onnx.GraphSurgery;
import io.scorecam.server.onnx.OnnxModel;
import io.scorecam.server.onnx.SyntheticModels;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Model directories, engines and plain ORT runs for the engine tests. */
final class TestModels {
    private TestModels() {
    }

    static Path repoRoot() {
        return Path.of(System.getProperty("scorecam.repo.root", "."));
    }

    /** The bundled default model's directory. */
    static Path bundledModel() {
        return repoRoot().resolve("models/shapes");
    }

    /** Writes a synthetic model as a model directory (model.onnx + model.json) under dir/name. */
    static Path writeModelDir(Path dir, String name, SyntheticModels.Model model, boolean probabilities)
            throws IOException {
        Path modelDir = Files.createDirectories(dir.resolve(name));
        Files.write(modelDir.resolve("model.onnx"), model.bytes());
        Files.writeString(modelDir.resolve("model.json"), """
                {"input": {"name": "%s", "width": %d, "height": %d, "channels": "RGB", "scale": 255.0,
                           "mean": [0.4, 0.5, 0.6], "std": [0.3, 0.25, 0.2], "resize": "STRETCH"},
                 "output": {"name": "%s", "kind": "%s"}}
                """.formatted(model.input(), model.width(), model.height(), model.output(),
                probabilities ? "PROBABILITIES" : "LOGITS"));
        return modelDir;
    }

    static ScoreCamEngine engine(List<Path> modelDirs, int batchSize) {
        List<ModelConfig> configs = modelDirs.stream().map(ModelConfig::load).toList();
        return ScoreCamEngine.load(configs, new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.CPU, EngineOptions.defaults().workers())),
                EngineOptions.defaults().withBatchSize(batchSize), new SimpleMeterRegistry());
    }

    /** Runs an ONNX model straight through ORT (no engine code): one [3,H,W] input, the named outputs. */
    static final class PlainOrt implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String input;
        private final int height;
        private final int width;

        PlainOrt(byte[] model, String input, int height, int width) throws OrtException {
            this.session = env.createSession(model, new OrtSession.SessionOptions());
            this.input = input;
            this.height = height;
            this.width = width;
        }

        /** The model with extra outputs, so a test can read the target layer. */
        static PlainOrt withLayer(Path modelFile, String layer, String input, int height, int width)
                throws OrtException {
            byte[] bytes = GraphSurgery.withExtraOutputs(OnnxModel.read(modelFile), List.of(layer));
            return new PlainOrt(bytes, input, height, width);
        }

        float[] run(float[] chw, String output) {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(chw), new long[] {1, 3, height, width});
                 OrtSession.Result r = session.run(Map.of(input, t))) {
                OnnxTensor out = (OnnxTensor) r.get(output).orElseThrow();
                FloatBuffer fb = out.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                return values;
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }
}
