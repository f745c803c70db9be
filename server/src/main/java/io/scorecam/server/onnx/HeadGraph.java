package io.scorecam.server.onnx;

import com.google.protobuf.ByteString;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.AttributeProto;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;
import io.scorecam.server.onnx.proto.TensorShapeProto;
import io.scorecam.server.onnx.proto.ValueInfoProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.scorecam.server.onnx.OnnxNodes.intAttr;
import static io.scorecam.server.onnx.OnnxNodes.node;

/**
 * Recipro-CAM's head graph: the part of the model from the target feature map to the output, run on
 * masked feature maps that ONNX Runtime builds from two small inputs per item:
 * <pre>
 *   centres [B, K, 1]    the activation vector F[:, i, j] of the item's cell
 *   weights [B, 1, h*w]  the 3x3 Gaussian around (i, j), clipped at the borders, zero elsewhere
 *   MatMul(centres, weights) -> Reshape = F_b [B, K, h, w]  (named like the target tensor: no renaming)
 *   ... the head ...  Flatten  [Softmax]  -> scores [B, C]
 * </pre>
 * The weights are an input rather than a Gather from an [h*w, 1, h, w] constant: that constant grows with
 * (h*w)^2 (39 MB for a 56x56 layer) while a batch's weights are h*w floats per item, fewer than the K centres.
 * The outer product is a MatMul with inner dimension 1 (one exact product per value), not a broadcast Mul:
 * ORT's broadcast loop over K runs of h*w values measured ~25% slower on MobileNetV2's head. The inner
 * dimension is symbolic, so F [1, K, h*w] times the identity [1, h*w, h*w] runs the unmasked head.
 * <p>
 * The head is what the output needs, walking back from it and stopping at the target tensor and at
 * initializers. A QOperator int8 head reads the quantised tensor behind the target's DequantizeLinear;
 * it gets F_b re-quantised with that node's scale and zero point (exact on unmasked values). A head that
 * needs the image by a path around the target (a skip connection over the layer) cannot be split.
 */
public final class HeadGraph {
    /** Input: the centre activation vector of each item, [B, K, 1] float. */
    public static final String CENTRES = "scorecam_centres";
    /** Input: the Gaussian weights of each item's neighbourhood, [B, 1, h*w] float. */
    public static final String WEIGHTS = "scorecam_weights";
    /** Output: class scores [B, C] (probabilities when Softmax is appended). */
    public static final String SCORES = GraphSurgery.SCORES;

    private static final String P = "scorecam/head_";
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

    private HeadGraph() {
    }

    /**
     * Whether the model can be split at the target layer, without building anything (a walk over the graph):
     * throws the FAILED_PRECONDITION {@link #build} would.
     */
    public static void check(OnnxModel model, HeadGraphSpec spec) {
        walk(model, spec);
    }

    /** The head graph as model bytes; fails with FAILED_PRECONDITION when the model cannot be split there. */
    public static byte[] build(OnnxModel model, HeadGraphSpec spec) {
        Walk walk = walk(model, spec);
        GraphProto original = model.graph();
        GraphProto.Builder g = GraphProto.newBuilder(original)
                .clearInput().clearOutput().clearNode().clearValueInfo().clearInitializer();
        List<TensorProto> constants = new ArrayList<>();
        for (TensorProto t : original.getInitializerList()) {
            if (walk.initializers.contains(t.getName())) {
                constants.add(t);
            }
        }
        List<NodeProto> prologue = new ArrayList<>();
        constants.add(OnnxNodes.int64Vector(P + "layer_shape", 0, spec.channels(), spec.height(), spec.width()));
        prologue.add(node("MatMul", P + "outer", List.of(CENTRES, WEIGHTS)));
        prologue.add(node("Reshape", P + "mosaic", List.of(P + "outer", P + "layer_shape"),
                List.of(spec.targetTensor()))); // 0 keeps the batch dim
        if (walk.readsQuantised) {
            prologue.add(requantise(model, walk.dequant, spec, constants));
        }
        g.addInput(OnnxNodes.tensorInfo(CENTRES, TensorProto.DataType.FLOAT, "scorecam_b", spec.channels(),
                "scorecam_inner"));
        g.addInput(OnnxNodes.tensorInfo(WEIGHTS, TensorProto.DataType.FLOAT, "scorecam_b", "scorecam_inner",
                spec.height() * spec.width()));
        g.addAllInitializer(constants);
        if (model.proto().getIrVersion() < 4) {
            // before IR 4 every initializer had to be listed as a graph input too
            Map<String, ValueInfoProto> declared = new HashMap<>();
            original.getInputList().forEach(v -> declared.put(v.getName(), v));
            for (TensorProto c : constants) {
                ValueInfoProto typed = OnnxNodes.tensorInfo(c.getName(), c.getDataType(), shapeOf(c));
                g.addInput(declared.getOrDefault(c.getName(), typed));
            }
        }
        g.addAllNode(prologue);
        for (NodeProto n : original.getNodeList()) {
            if (walk.nodes.contains(n)) {
                g.addNode(n); // original order is topological
            }
        }
        // Flatten makes [B, C, 1, 1]-style outputs [B, C]; on [B, C] it is the identity.
        if (spec.appendSoftmax()) {
            g.addNode(node("Flatten", P + "flat", List.of(spec.modelOutput()), intAttr("axis", 1)));
            g.addNode(node("Softmax", P + "softmax", List.of(P + "flat"), List.of(SCORES), intAttr("axis", 1)));
        } else {
            g.addNode(node("Flatten", P + "flat", List.of(spec.modelOutput()), List.of(SCORES), intAttr("axis", 1)));
        }
        g.addOutput(OnnxNodes.tensorInfo(SCORES, TensorProto.DataType.FLOAT, "scorecam_b", "scorecam_classes"));
        return model.proto().toBuilder().setGraph(g).build().toByteArray();
    }

    private static TensorShapeProto shapeOf(TensorProto t) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        t.getDimsList().forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return shape.build();
    }

    /** QuantizeLinear(F_b) with the DequantizeLinear's scale, zero point and attributes, named like its input. */
    private static NodeProto requantise(OnnxModel model, NodeProto dequant, HeadGraphSpec spec,
                                        List<TensorProto> constants) {
        List<String> inputs = new ArrayList<>(List.of(spec.targetTensor(), dequant.getInput(1)));
        if (dequant.getInputCount() > 2 && !dequant.getInput(2).isEmpty()) {
            inputs.add(dequant.getInput(2));
        } else {
            // without a zero point QuantizeLinear makes uint8; any other type needs an explicit zero
            int type = model.valueInfo(dequant.getInput(0))
                    .map(v -> v.getType().getTensorType().getElemType()).orElse(0);
            int bytes = switch (TensorProto.DataType.forNumber(type) == null ? TensorProto.DataType.UNDEFINED
                    : TensorProto.DataType.forNumber(type)) {
                case UNDEFINED, UINT8 -> 0;
                case INT8 -> 1;
                case UINT16, INT16 -> 2;
                default -> throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                        + ": RECIPRO_CAM cannot re-quantise target layer '" + spec.targetTensor()
                        + "' to element type " + type + " without a zero point");
            };
            if (bytes > 0) {
                String zero = P + "zero_point";
                constants.add(TensorProto.newBuilder().setName(zero).setDataType(type)
                        .setRawData(ByteString.copyFrom(new byte[bytes])).build());
                inputs.add(zero);
            }
        }
        return NodeProto.newBuilder().setOpType("QuantizeLinear").setDomain(dequant.getDomain())
                .setName(P + "requantise").addAllInput(inputs).addOutput(dequant.getInput(0))
                .addAllAttribute(dequant.getAttributeList()).build();
    }

    /** Validates the model for a split at the target layer and walks its head. */
    private static Walk walk(OnnxModel model, HeadGraphSpec spec) {
        if (model.usesExternalData()) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                    + ": initializers stored as external data are not supported; save the model as one file");
        }
        if (model.opsetVersion() < 5) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName() + ": default-domain opset "
                    + model.opsetVersion() + " < 5 (Reshape without a shape input); convert the model to a newer opset");
        }
        if (model.outputs().stream().noneMatch(o -> o.getName().equals(spec.modelOutput()))) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    model.sourceName() + ": '" + spec.modelOutput() + "' is not a graph output");
        }
        if (!model.producer(spec.targetTensor()).isPresent()) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                    + ": target layer '" + spec.targetTensor() + "' is not computed by any node");
        }
        GraphSurgery.checkNoClash(model, List.of(CENTRES, WEIGHTS, SCORES), P);
        Walk walk = new Walk(model, spec);
        walk.run();
        return walk;
    }

    /** The walk back from the output: which nodes and initializers the head needs. */
    private static final class Walk {
        private final OnnxModel model;
        private final HeadGraphSpec spec;
        /** The DequantizeLinear that computes the target from a quantised tensor, or null. */
        final NodeProto dequant;
        final Set<NodeProto> nodes = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<String> initializers = new LinkedHashSet<>();
        boolean readsQuantised;
        /** For the error message: the tensor (nearer the output) that needed each tensor. */
        private final Map<String, String> neededBy = new HashMap<>();

        Walk(OnnxModel model, HeadGraphSpec spec) {
            this.model = model;
            this.spec = spec;
            NodeProto producer = model.producer(spec.targetTensor()).orElseThrow();
            this.dequant = producer.getOpType().equals("DequantizeLinear") && producer.getInputCount() >= 2
                    ? producer : null;
        }

        void run() {
            Deque<String> todo = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            todo.push(spec.modelOutput());
            seen.add(spec.modelOutput());
            while (!todo.isEmpty()) {
                String tensor = todo.pop();
                List<String> needs;
                if (tensor.equals(spec.targetTensor())) {
                    continue;
                } else if (dequant != null && tensor.equals(dequant.getInput(0))) {
                    readsQuantised = true;
                    needs = dequant.getInputList().subList(1, dequant.getInputCount());
                } else if (model.isInitializer(tensor)) {
                    initializers.add(tensor);
                    continue;
                } else {
                    NodeProto producer = model.producer(tensor).orElseThrow(() -> bypass(tensor));
                    if (!nodes.add(producer)) {
                        continue;
                    }
                    needs = dependencies(producer);
                }
                for (String in : needs) {
                    if (!in.isEmpty() && seen.add(in)) {
                        neededBy.put(in, tensor);
                        todo.push(in);
                    }
                }
            }
        }

        /** A node's inputs plus the outer-scope names its subgraphs (If, Loop, Scan bodies) read. */
        private static List<String> dependencies(NodeProto node) {
            List<String> result = new ArrayList<>(node.getInputList());
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    result.addAll(freeNames(a.getG()));
                }
                a.getGraphsList().forEach(sub -> result.addAll(freeNames(sub)));
            }
            return result;
        }

        private static Set<String> freeNames(GraphProto graph) {
            Set<String> local = new HashSet<>();
            graph.getInputList().forEach(v -> local.add(v.getName()));
            graph.getInitializerList().forEach(t -> local.add(t.getName()));
            graph.getNodeList().forEach(n -> local.addAll(n.getOutputList()));
            Set<String> free = new LinkedHashSet<>();
            for (NodeProto n : graph.getNodeList()) {
                for (String in : dependencies(n)) {
                    if (!in.isEmpty() && !local.contains(in)) {
                        free.add(in);
                    }
                }
            }
            return free;
        }

        /** The head reached a graph input: name it and the path from it towards the output. */
        private ScoreCamException bypass(String input) {
            List<String> path = new ArrayList<>();
            for (String t = input; t != null && path.size() < 6; t = neededBy.get(t)) {
                path.add("'" + t + "'");
            }
            return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                    + ": RECIPRO_CAM is not available for this model at target layer '" + spec.targetTensor()
                    + "': the head that computes '" + spec.modelOutput() + "' also reads graph input '" + input
                    + "' by a path that bypasses the target layer (" + String.join(" -> ", path)
                    + (path.size() == 6 ? " -> ..." : "") + "); choose a target_layer that every path to the"
                    + " output goes through");
        }
    }
}
