package io.scorecam.loadtest;

import io.scorecam.server.onnx.OnnxNodes;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.OperatorSetIdProto;
import io.scorecam.server.onnx.proto.TensorProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.scorecam.server.onnx.OnnxNodes.floatTensor;
import static io.scorecam.server.onnx.OnnxNodes.intAttr;
import static io.scorecam.server.onnx.OnnxNodes.intsAttr;
import static io.scorecam.server.onnx.OnnxNodes.node;

/**
 * TEST ONLY: a small random CNN written as a model directory, so the load tests run in a second without
 * the bundled model: input 3x32x32, two strided convs, target layer 12x8x8, GlobalAveragePool, 6 classes.
 */
final class TinyModel {
    static final int CHANNELS = 12;
    static final int CLASSES = 6;

    private TinyModel() {
    }

    /** Writes the model to {@code args[0]}/tiny (for profiling the benchmark by hand). */
    public static void main(String[] args) throws IOException {
        System.out.println(write(Path.of(args[0])));
    }

    static Path write(Path dir) throws IOException {
        Random random = new Random(3);
        List<NodeProto> nodes = new ArrayList<>();
        List<TensorProto> weights = new ArrayList<>();
        String x = conv(nodes, weights, random, "image", 3, 8, "c1");
        String target = conv(nodes, weights, random, x, 8, CHANNELS, "c2");
        nodes.add(node("GlobalAveragePool", "gap", List.of(target)));
        nodes.add(node("Flatten", "flat", List.of("gap"), intAttr("axis", 1)));
        weights.add(floatTensor("fc_w", new long[] {CHANNELS, CLASSES}, gaussian(random, CHANNELS * CLASSES, 0.5)));
        weights.add(floatTensor("fc_b", new long[] {CLASSES}, gaussian(random, CLASSES, 0.1)));
        nodes.add(node("Gemm", "fc", List.of("flat", "fc_w", "fc_b"), List.of("logits")));
        GraphProto graph = GraphProto.newBuilder().setName("tiny")
                .addInput(OnnxNodes.tensorInfo("image", TensorProto.DataType.FLOAT, "batch", 3, 32, 32))
                .addOutput(OnnxNodes.tensorInfo("logits", TensorProto.DataType.FLOAT, "batch", CLASSES))
                .addAllInitializer(weights).addAllNode(nodes).build();
        byte[] model = ModelProto.newBuilder().setIrVersion(8).setProducerName("scorecam-loadtest-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph).build().toByteArray();
        Path modelDir = Files.createDirectories(dir.resolve("tiny"));
        Files.write(modelDir.resolve("model.onnx"), model);
        Files.writeString(modelDir.resolve("model.json"), """
                {"input": {"name": "image", "width": 32, "height": 32, "channels": "RGB", "scale": 255.0,
                           "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25], "resize": "STRETCH"},
                 "output": {"name": "logits", "kind": "LOGITS"}}
                """);
        return modelDir;
    }

    private static String conv(List<NodeProto> nodes, List<TensorProto> weights, Random random, String in, int cin,
                               int cout, String name) {
        weights.add(floatTensor(name + "_w", new long[] {cout, cin, 3, 3},
                gaussian(random, cout * cin * 9, Math.sqrt(2.0 / (cin * 9)))));
        weights.add(floatTensor(name + "_b", new long[] {cout}, gaussian(random, cout, 0.1)));
        nodes.add(node("Conv", name, List.of(in, name + "_w", name + "_b"), intsAttr("kernel_shape", 3, 3),
                intsAttr("strides", 2, 2), intsAttr("pads", 1, 1, 1, 1)));
        nodes.add(node("Relu", name + "_relu", List.of(name)));
        return name + "_relu";
    }

    private static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }
}
