package io.scorecam.server.onnx;

import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.OperatorSetIdProto;
import io.scorecam.server.onnx.proto.TensorProto;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.scorecam.server.onnx.OnnxNodes.floatTensor;
import static io.scorecam.server.onnx.OnnxNodes.int64Vector;
import static io.scorecam.server.onnx.OnnxNodes.intAttr;
import static io.scorecam.server.onnx.OnnxNodes.intsAttr;
import static io.scorecam.server.onnx.OnnxNodes.node;

/**
 * Small fp32 CNNs of the shapes real exporters produce, with seeded random weights and a dynamic batch.
 * Each knows the tensor a correct target-layer finder must pick. Reused by the engine tests.
 */
public final class SyntheticModels {
    public static final String INPUT = "image";
    public static final String OUTPUT = "logits";

    /** Model bytes plus what tests need to know about them. */
    public record Model(byte[] bytes, String targetLayer, int channels, int height, int width,
                        int layerChannels, int layerHeight, int layerWidth, int classes, long opset) {
        public String input() {
            return INPUT;
        }

        public String output() {
            return OUTPUT;
        }
    }

    private SyntheticModels() {
    }

    /** Every shape above, for tests that should hold on all of them. */
    public static List<Model> all(long seed) {
        return List.of(vggLike(seed), vggTorchvisionLike(seed), resnetLike(seed), endsInSoftmax(seed),
                oneClass(seed), pytorchLike(seed, 18), pytorchLike(seed, 13), convHeadLike(seed), qdqLike(seed));
    }

    /** conv+relu stack, final MaxPool, Flatten, Gemm (VGG16's head); input 3x40x30, layer 12x20x15, opset 11. */
    public static Model vggLike(long seed) {
        Graph g = new Graph(seed);
        String x = g.relu(g.conv(INPUT, 3, 8, 3, 1, 1));
        x = g.maxPool(x);                                  // 8x20x15
        String target = g.relu(g.conv(x, 8, 12, 3, 1, 1)); // 12x20x15
        x = g.maxPool(target);                             // 12x10x7
        x = g.add(node("Flatten", g.name("flatten"), List.of(x), intAttr("axis", 1)));
        g.gemm(x, 12 * 10 * 7, 5, OUTPUT);
        return new Model(g.build(3, 40, 30, 5, 11), target, 3, 40, 30, 12, 20, 15, 5, 11);
    }

    /**
     * torchvision's VGG export: the final MaxPool is followed by AdaptiveAvgPool2d, exported as a 1x1
     * AveragePool, then Flatten and Gemm; the target is still the ReLU into the MaxPool.
     */
    public static Model vggTorchvisionLike(long seed) {
        Graph g = new Graph(seed);
        String x = g.relu(g.conv(INPUT, 3, 8, 3, 1, 1));
        x = g.maxPool(x);                                  // 8x20x15
        String target = g.relu(g.conv(x, 8, 12, 3, 1, 1)); // 12x20x15
        x = g.maxPool(target);                             // 12x10x7
        x = g.add(node("AveragePool", g.name("adaptive_pool"), List.of(x),
                intsAttr("kernel_shape", 1, 1), intsAttr("strides", 1, 1)));
        x = g.add(node("Flatten", g.name("flatten"), List.of(x), intAttr("axis", 1)));
        g.gemm(x, 12 * 10 * 7, 5, OUTPUT);
        return new Model(g.build(3, 40, 30, 5, 13), target, 3, 40, 30, 12, 20, 15, 5, 13);
    }

    /**
     * A MobileNetV3-style conv head: GlobalAveragePool, a 1x1 Conv and ReLU on the pooled [N,K,1,1]
     * features, then Flatten and Gemm. The Flatten sees no pooling; the pool two nodes further back wins.
     */
    public static Model convHeadLike(long seed) {
        Graph g = new Graph(seed);
        String x = g.relu(g.conv(INPUT, 3, 8, 3, 2, 1));             // 8x16x16
        String target = g.relu(g.conv(x, 8, 12, 3, 2, 1));           // 12x8x8
        x = g.add(node("GlobalAveragePool", g.name("gap"), List.of(target)));
        x = g.relu(g.conv(x, 12, 16, 1, 1, 0));                      // 16x1x1
        x = g.add(node("Flatten", g.name("flatten"), List.of(x), intAttr("axis", 1)));
        g.gemm(x, 16, 4, OUTPUT);
        return new Model(g.build(3, 32, 32, 4, 13), target, 3, 32, 32, 12, 8, 8, 4, 13);
    }

    /**
     * A QDQ-quantised model (what onnxruntime's static quantiser writes): QuantizeLinear/DequantizeLinear
     * pairs around the activations. The target is the DequantizeLinear output feeding the pool.
     */
    public static Model qdqLike(long seed) {
        Graph g = new Graph(seed);
        String x = g.qdq(g.relu(g.conv(INPUT, 3, 8, 3, 2, 1)));       // 8x16x16
        String target = g.qdq(g.relu(g.conv(x, 8, 12, 3, 2, 1)));    // 12x8x8
        x = g.add(node("GlobalAveragePool", g.name("gap"), List.of(target)));
        x = g.add(node("Flatten", g.name("flatten"), List.of(x), intAttr("axis", 1)));
        g.gemm(x, 12, 3, OUTPUT);
        return new Model(g.build(3, 32, 32, 3, 13), target, 3, 32, 32, 12, 8, 8, 3, 13);
    }

    /**
     * A QOperator int8 head (MobileNetV2-12-int8's): the target is a DequantizeLinear output read only by
     * Shape (for the batch size of a Reshape), while the head pools the uint8 tensor behind it with
     * com.microsoft's QLinearGlobalAveragePool. Not in {@link #all}: only ORT runs the com.microsoft op.
     */
    public static Model qoperatorLike(long seed) {
        Graph g = new Graph(seed);
        String x = g.relu(g.conv(INPUT, 3, 8, 3, 2, 1));               // 8x16x16
        String relu = g.relu(g.conv(x, 8, 12, 3, 2, 1));              // 12x8x8
        String[] layerQ = g.quantParams(0.05f);
        String quantised = g.add(node("QuantizeLinear", g.name("quant"), List.of(relu, layerQ[0], layerQ[1])));
        String target = g.add(node("DequantizeLinear", g.name("dequant"), List.of(quantised, layerQ[0], layerQ[1])));
        String[] poolQ = g.quantParams(0.02f);
        String qgap = g.name("qgap");
        String pooledQ = g.add(NodeProto.newBuilder().setOpType("QLinearGlobalAveragePool").setDomain("com.microsoft")
                .setName(qgap).addAllInput(List.of(quantised, layerQ[0], layerQ[1], poolQ[0], poolQ[1]))
                .addOutput(qgap).addAttribute(intAttr("channels_last", 0)).build());
        String pooled = g.add(node("DequantizeLinear", g.name("dequant"), List.of(pooledQ, poolQ[0], poolQ[1])));
        // torch's x.view(x.size(0), -1): the batch size comes from Shape(target)
        String shape = g.add(node("Shape", g.name("shape"), List.of(target)));
        String first = g.name("first");
        g.init(int64Vector(first, 0));
        String batch = g.add(node("Gather", g.name("batch"), List.of(shape, first), intAttr("axis", 0)));
        String rest = g.name("minus_one");
        g.init(int64Vector(rest, -1));
        String dims = g.add(node("Concat", g.name("dims"), List.of(batch, rest), intAttr("axis", 0)));
        String flat = g.add(node("Reshape", g.name("flatten"), List.of(pooled, dims)));
        g.gemm(flat, 12, 4, OUTPUT);
        g.microsoft = true;
        return new Model(g.build(3, 32, 32, 4, 13), target, 3, 32, 32, 12, 8, 8, 4, 13);
    }

    /** Strided convs, residual Add, GlobalAveragePool, Flatten, Gemm; input 3x40x30, layer 8x10x7 (scale 4 x 4.29). */
    public static Model resnetLike(long seed) {
        return resnetHead(seed, false, 6);
    }

    /** The ResNet-like model with a final Softmax (outputs probabilities). */
    public static Model endsInSoftmax(long seed) {
        return resnetHead(seed, true, 6);
    }

    /** The ResNet-like model with a single class. */
    public static Model oneClass(long seed) {
        return resnetHead(seed, false, 1);
    }

    private static Model resnetHead(long seed, boolean softmax, int classes) {
        Graph g = new Graph(seed);
        String stem = g.relu(g.conv(INPUT, 3, 8, 3, 2, 0));         // 8x19x14
        String y = g.relu(g.conv(stem, 8, 8, 3, 1, 1));
        y = g.conv(y, 8, 8, 3, 1, 1);
        String sum = g.relu(g.add(node("Add", g.name("residual"), List.of(stem, y))));
        String target = g.relu(g.conv(sum, 8, 8, 3, 2, 1));         // 8x10x7
        String x = g.add(node("GlobalAveragePool", g.name("gap"), List.of(target)));
        x = g.add(node("Flatten", g.name("flatten"), List.of(x), intAttr("axis", 1)));
        if (softmax) {
            String logits = g.gemm(x, 8, classes, g.name("fc"));
            g.add(node("Softmax", g.name("softmax"), List.of(logits), List.of(OUTPUT), intAttr("axis", 1)));
        } else {
            g.gemm(x, 8, classes, OUTPUT);
        }
        return new Model(g.build(3, 40, 30, classes, 13), target, 3, 40, 30, 8, 10, 7, classes, 13);
    }

    /**
     * PyTorch's `x.mean([2, 3])` export: ReduceMean over [2, 3] with keepdims=0, then Gemm; input 3x32x32,
     * layer 16x8x8. Opset 18 by default (axes as an input), 13 puts axes in the attribute.
     */
    public static Model pytorchLike(long seed, long opset) {
        Graph g = new Graph(seed);
        String x = g.relu(g.conv(INPUT, 3, 10, 3, 2, 1));             // 10x16x16
        String target = g.relu(g.conv(x, 10, 16, 3, 2, 1));           // 16x8x8
        String pooled = g.name("mean");
        if (opset >= 18) {
            g.init(int64Vector(g.name("axes"), 2, 3));
            g.add(node("ReduceMean", pooled, List.of(target, g.lastName()), intAttr("keepdims", 0)));
        } else {
            g.add(node("ReduceMean", pooled, List.of(target), intsAttr("axes", 2, 3), intAttr("keepdims", 0)));
        }
        g.gemm(pooled, 16, 7, OUTPUT);
        return new Model(g.build(3, 32, 32, 7, opset), target, 3, 32, 32, 16, 8, 8, 7, opset);
    }

    /** Builds one graph: seeded He-initialised weights, node names from a counter. */
    private static final class Graph {
        private final Random random;
        private final List<NodeProto> nodes = new ArrayList<>();
        private final List<TensorProto> initializers = new ArrayList<>();
        private int counter;
        private String last;
        /** Import the com.microsoft domain (for its quantised ops). */
        boolean microsoft;

        Graph(long seed) {
            this.random = new Random(seed);
        }

        String name(String prefix) {
            last = prefix + "_" + (counter++);
            return last;
        }

        String lastName() {
            return last;
        }

        String add(NodeProto node) {
            nodes.add(node);
            return node.getOutput(0);
        }

        void init(TensorProto tensor) {
            initializers.add(tensor);
        }

        private float[] randoms(int count, double scale) {
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                values[i] = (float) (random.nextGaussian() * scale);
            }
            return values;
        }

        String conv(String in, int cin, int cout, int kernel, int stride, int pad) {
            String w = name("conv_w");
            init(floatTensor(w, new long[] {cout, cin, kernel, kernel},
                    randoms(cout * cin * kernel * kernel, Math.sqrt(2.0 / (cin * kernel * kernel)))));
            String b = name("conv_b");
            init(floatTensor(b, new long[] {cout}, randoms(cout, 0.1)));
            return add(node("Conv", name("conv"), List.of(in, w, b),
                    intsAttr("kernel_shape", kernel, kernel), intsAttr("strides", stride, stride),
                    intsAttr("pads", pad, pad, pad, pad)));
        }

        String relu(String in) {
            return add(node("Relu", name("relu"), List.of(in)));
        }

        String maxPool(String in) {
            return add(node("MaxPool", name("maxpool"), List.of(in),
                    intsAttr("kernel_shape", 2, 2), intsAttr("strides", 2, 2)));
        }

        /** A float scale and a uint8 zero point 0 as initializers: {scale, zeroPoint}. */
        String[] quantParams(float scaleValue) {
            String scale = name("q_scale");
            init(floatTensor(scale, new long[0], new float[] {scaleValue}));
            String zero = name("q_zero");
            init(TensorProto.newBuilder().setName(zero).setDataType(TensorProto.DataType.UINT8.getNumber())
                    .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {0})).build());
            return new String[] {scale, zero};
        }

        /** QuantizeLinear to uint8 and back (scale 0.05, zero point 0: ReLU outputs up to 12.75). */
        String qdq(String in) {
            String scale = name("q_scale");
            init(floatTensor(scale, new long[0], new float[] {0.05f}));
            String zero = name("q_zero");
            init(TensorProto.newBuilder().setName(zero).setDataType(TensorProto.DataType.UINT8.getNumber())
                    .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {0})).build());
            String q = add(node("QuantizeLinear", name("quant"), List.of(in, scale, zero)));
            return add(node("DequantizeLinear", name("dequant"), List.of(q, scale, zero)));
        }

        String gemm(String in, int features, int classes, String out) {
            String w = name("fc_w");
            init(floatTensor(w, new long[] {features, classes},
                    randoms(features * classes, Math.sqrt(1.0 / features))));
            String b = name("fc_b");
            init(floatTensor(b, new long[] {classes}, randoms(classes, 0.1)));
            return add(node("Gemm", name("gemm"), List.of(in, w, b), List.of(out)));
        }

        byte[] build(int channels, int height, int width, int classes, long opset) {
            GraphProto graph = GraphProto.newBuilder().setName("synthetic")
                    .addInput(OnnxNodes.tensorInfo(INPUT, TensorProto.DataType.FLOAT, "batch", channels, height, width))
                    .addOutput(OnnxNodes.tensorInfo(OUTPUT, TensorProto.DataType.FLOAT, "batch", classes))
                    .addAllInitializer(initializers).addAllNode(nodes).build();
            ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(8).setProducerName("scorecam-tests")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
            if (microsoft) {
                model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
            }
            return model.setGraph(graph).build().toByteArray();
        }
    }
}
