package io.scorecam.server.onnx;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;
import io.scorecam.server.onnx.proto.TensorShapeProto;
import io.scorecam.server.onnx.proto.TypeProto;
import io.scorecam.server.onnx.proto.ValueInfoProto;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.scorecam.server.onnx.OnnxNodes.floatScalar;
import static io.scorecam.server.onnx.OnnxNodes.floatTensor;
import static io.scorecam.server.onnx.OnnxNodes.int64Vector;
import static io.scorecam.server.onnx.OnnxNodes.intAttr;
import static io.scorecam.server.onnx.OnnxNodes.intsAttr;
import static io.scorecam.server.onnx.OnnxNodes.node;
import static io.scorecam.server.onnx.OnnxNodes.stringAttr;

/**
 * Builds the two graphs the engine runs: the model with extra outputs (feature pass) and the fused
 * scoring graph that masks frames inside ONNX Runtime (see docs/architecture.md).
 */
public final class GraphSurgery {
    /**
     * Scoring graph input: the one preprocessed frame [1, C_in, H, W] all items of a run mask (the masks
     * broadcast over it: a Gather of the frame per item cost 1% of a MobileNetV2 pass).
     */
    public static final String FRAMES = "scorecam_frames";
    /** Scoring graph input: one activation channel per item [B, 1, h, w] float. */
    public static final String MAPS = "scorecam_maps";
    /** Scoring graph input (SCALE graphs): each item's mask scale [B, 1, 1, 1] float. */
    public static final String MASK_SCALE = "scorecam_mask_scale";
    /** Scoring graph input (NOISE graphs): noise added to each item's normalised mask [B, 1, H, W] float. */
    public static final String MASK_NOISE = "scorecam_mask_noise";
    /** Scoring graph output: class scores [B, classes] float (probabilities when softmax is appended). */
    public static final String SCORES = "scorecam_scores";
    /** Per-item minimum and maximum of the upsampled map [B,1,1,1]: the engine combines at layer resolution with them. */
    public static final String MAP_MIN = "scorecam/min";
    public static final String MAP_MAX = "scorecam/max";

    private static final String P = "scorecam/";
    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();

    private GraphSurgery() {
    }

    /** The model with the named tensors appended to graph.output (ORT returns declared outputs only). */
    public static byte[] withExtraOutputs(OnnxModel model, List<String> tensorNames) {
        checkLoadable(model);
        Set<String> present = new HashSet<>();
        model.outputs().forEach(o -> present.add(o.getName()));
        GraphProto.Builder graph = model.graph().toBuilder();
        for (String name : tensorNames) {
            if (!model.hasTensor(name)) {
                throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                        model.sourceName() + ": no tensor named '" + name + "' in the graph");
            }
            if (present.add(name)) {
                graph.addOutput(OnnxNodes.nameOnly(name));
            }
        }
        return model.proto().toBuilder().setGraph(graph).build().toByteArray();
    }

    /**
     * The fused scoring graph: upsample and normalise each map, mask its frame, run the model on the
     * masked batch, flatten to [B, classes] and optionally apply Softmax.
     */
    public static byte[] scoringGraph(OnnxModel model, ScoringGraphSpec spec) {
        checkLoadable(model);
        long opset = model.opsetVersion();
        if (opset < 11) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                    + ": default-domain opset " + opset + " < 11: its Resize has no half_pixel/align_corners"
                    + " mode; convert the model to opset 11 or later (e.g. onnx.version_converter)");
        }
        ValueInfoProto input = modelInput(model, spec);
        if (model.outputs().stream().noneMatch(o -> o.getName().equals(spec.modelOutput()))) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    model.sourceName() + ": '" + spec.modelOutput() + "' is not a graph output");
        }
        checkNoClash(model, List.of(FRAMES, MAPS, SCORES, MASK_SCALE, MASK_NOISE), P);

        GraphProto original = model.graph();
        // value_info is only a hint, and one that names the model's batch size (often a fixed 1) would
        // contradict the item batch B here: ORT warns on every run. Let ORT infer the shapes instead.
        GraphProto.Builder g = GraphProto.newBuilder(original)
                .clearInput().clearOutput().clearNode().clearValueInfo();
        List<TensorProto> constants = new ArrayList<>();
        List<NodeProto> head = maskingNodes(spec, opset, constants);

        g.addInput(framesInfo(input));
        // the MatMul weights fix the map size, so the input says it (a wrong map gets ORT's shape error)
        g.addInput(spec.upsamplesByMatMul()
                ? OnnxNodes.tensorInfo(MAPS, TensorProto.DataType.FLOAT, "scorecam_b", 1, spec.mapHeight(), spec.mapWidth())
                : OnnxNodes.tensorInfo(MAPS, TensorProto.DataType.FLOAT, "scorecam_b", 1, "scorecam_h", "scorecam_w"));
        switch (spec.perturbation()) {
            case SCALE -> g.addInput(OnnxNodes.tensorInfo(MASK_SCALE, TensorProto.DataType.FLOAT, "scorecam_b", 1, 1, 1));
            case NOISE -> g.addInput(OnnxNodes.tensorInfo(MASK_NOISE, TensorProto.DataType.FLOAT, "scorecam_b", 1,
                    spec.inputHeight(), spec.inputWidth()));
            case NONE -> { }
        }
        for (ValueInfoProto in : original.getInputList()) {
            if (!in.getName().equals(spec.modelInput())) {
                g.addInput(in); // other inputs and (IR < 4) initializers listed as inputs stay as they were
            }
        }
        g.addAllInitializer(constants);
        if (model.proto().getIrVersion() < 4) {
            constants.forEach(c -> g.addInput(OnnxNodes.tensorInfo(c.getName(), c.getDataType(),
                    shapeOf(c))));
        }
        // The masked batch takes the model input's name, so the user's nodes (and subgraphs that
        // capture it from the outer scope) need no renaming.
        g.addAllNode(head);
        g.addAllNode(original.getNodeList());
        g.addAllNode(tail(spec));
        g.addOutput(OnnxNodes.tensorInfo(SCORES, TensorProto.DataType.FLOAT, "scorecam_b", "scorecam_classes"));
        g.addOutput(OnnxNodes.tensorInfo(MAP_MIN, TensorProto.DataType.FLOAT, "scorecam_b", 1, 1, 1));
        g.addOutput(OnnxNodes.tensorInfo(MAP_MAX, TensorProto.DataType.FLOAT, "scorecam_b", 1, 1, 1));
        return model.proto().toBuilder().setGraph(g).build().toByteArray();
    }

    private static List<NodeProto> maskingNodes(ScoringGraphSpec spec, long opset, List<TensorProto> constants) {
        List<NodeProto> nodes = new ArrayList<>();
        if (spec.upsamplesByMatMul()) {
            upsampleByMatMul(spec, nodes, constants);
        } else {
            upsampleByResize(spec, nodes, constants);
        }
        nodes.add(reduce("ReduceMin", MAP_MIN, opset, constants));
        nodes.add(reduce("ReduceMax", MAP_MAX, opset, constants));
        nodes.add(node("Sub", P + "shifted", List.of(P + "upsampled", P + "min")));
        nodes.add(node("Sub", P + "range", List.of(P + "max", P + "min")));
        String denominator = P + "range";
        if (spec.normEps() > 0) {
            constants.add(floatScalar(P + "eps", spec.normEps()));
            nodes.add(node("Add", P + "range_eps", List.of(P + "range", P + "eps")));
            denominator = P + "range_eps";
        }
        nodes.add(node("Div", P + "normalised", List.of(P + "shifted", denominator)));
        String mask = switch (spec.perturbation()) {
            case NONE -> P + "normalised";
            case SCALE -> {
                nodes.add(node("Mul", P + "scaled", List.of(P + "normalised", MASK_SCALE)));
                yield P + "scaled";
            }
            case NOISE -> {
                nodes.add(node("Add", P + "noisy", List.of(P + "normalised", MASK_NOISE)));
                yield P + "noisy";
            }
        };
        nodes.add(node("Mul", P + "masked", List.of(FRAMES, mask),
                List.of(spec.modelInput())));
        return nodes;
    }

    /** [H, h] x [B, 1, h, w] -> [B, 1, H, w], then x [w, W] -> [B, 1, H, W]: bilinear as two small GEMMs. */
    private static void upsampleByMatMul(ScoringGraphSpec spec, List<NodeProto> nodes, List<TensorProto> constants) {
        int h = spec.mapHeight();
        int w = spec.mapWidth();
        constants.add(floatTensor(P + "row_weights", new long[] {spec.inputHeight(), h},
                LinearInterpolation.weights(spec.inputHeight(), h, spec.alignCorners())));
        constants.add(floatTensor(P + "column_weights", new long[] {w, spec.inputWidth()},
                LinearInterpolation.transposedWeights(spec.inputWidth(), w, spec.alignCorners())));
        nodes.add(node("MatMul", P + "rows_upsampled", List.of(P + "row_weights", MAPS)));
        nodes.add(node("MatMul", P + "upsampled", List.of(P + "rows_upsampled", P + "column_weights")));
    }

    private static void upsampleByResize(ScoringGraphSpec spec, List<NodeProto> nodes, List<TensorProto> constants) {
        // Target size [B, 1, H, W] from the maps' own batch: `sizes`, not scales, since H/h may be 100/7.
        constants.add(int64Vector(P + "batch_and_channel", 0, 1));
        constants.add(int64Vector(P + "input_hw", spec.inputHeight(), spec.inputWidth()));
        nodes.add(node("Shape", P + "maps_shape", List.of(MAPS)));
        nodes.add(node("Gather", P + "maps_bc", List.of(P + "maps_shape", P + "batch_and_channel"),
                intAttr("axis", 0)));
        nodes.add(node("Concat", P + "sizes", List.of(P + "maps_bc", P + "input_hw"), intAttr("axis", 0)));
        // Opset 11/12 need roi and scales present; empty tensors mean "unused".
        constants.add(floatTensor(P + "empty", new long[] {0}, new float[0]));
        nodes.add(node("Resize", P + "upsampled", List.of(MAPS, P + "empty", P + "empty", P + "sizes"),
                stringAttr("mode", "linear"),
                stringAttr("coordinate_transformation_mode", spec.alignCorners() ? "align_corners" : "half_pixel")));
    }

    /** ReduceMin/Max over H, W keeping dims; opset 18 moved `axes` from attribute to input. */
    private static NodeProto reduce(String op, String name, long opset, List<TensorProto> constants) {
        if (opset >= 18) {
            String axes = P + "spatial_axes";
            if (constants.stream().noneMatch(c -> c.getName().equals(axes))) {
                constants.add(int64Vector(axes, 2, 3));
            }
            return node(op, name, List.of(P + "upsampled", axes), intAttr("keepdims", 1));
        }
        return node(op, name, List.of(P + "upsampled"), intsAttr("axes", 2, 3), intAttr("keepdims", 1));
    }

    private static List<NodeProto> tail(ScoringGraphSpec spec) {
        // Flatten makes [B, C, 1, 1]-style outputs [B, C]; on [B, C] it is the identity.
        if (!spec.appendSoftmax()) {
            return List.of(node("Flatten", P + "flat", List.of(spec.modelOutput()), List.of(SCORES),
                    intAttr("axis", 1)));
        }
        return List.of(
                node("Flatten", P + "flat", List.of(spec.modelOutput()), intAttr("axis", 1)),
                node("Softmax", P + "softmax", List.of(P + "flat"), List.of(SCORES), intAttr("axis", 1)));
    }

    private static ValueInfoProto modelInput(OnnxModel model, ScoringGraphSpec spec) {
        ValueInfoProto input = model.inputs().stream().filter(i -> i.getName().equals(spec.modelInput()))
                .findFirst().orElseThrow(() -> new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                        model.sourceName() + ": '" + spec.modelInput() + "' is not a graph input"));
        TypeProto.Tensor type = input.getType().getTensorType();
        if (type.hasElemType() && type.getElemType() != FLOAT) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName() + ": input '"
                    + spec.modelInput() + "' has element type " + type.getElemType()
                    + ", Score-CAM needs a float32 image input");
        }
        TensorShapeProto shape = type.getShape();
        if (type.hasShape() && shape.getDimCount() != 4) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName() + ": input '"
                    + spec.modelInput() + "' has rank " + shape.getDimCount() + ", expected [N, C, H, W]");
        }
        if (type.hasShape()) {
            checkDim(model, spec, shape.getDim(2), spec.inputHeight(), "height");
            checkDim(model, spec, shape.getDim(3), spec.inputWidth(), "width");
        }
        return input;
    }

    private static void checkDim(OnnxModel model, ScoringGraphSpec spec, TensorShapeProto.Dimension dim,
                                 int wanted, String what) {
        if (dim.hasDimValue() && dim.getDimValue() > 0 && dim.getDimValue() != wanted) {
            throw new ScoreCamException(ErrorCode.INVALID_ARGUMENT, model.sourceName() + ": input '"
                    + spec.modelInput() + "' has " + what + " " + dim.getDimValue() + ", configured " + wanted);
        }
    }

    /** The frame keeps the model's channel dim (fixed or symbolic) and H, W as given; its batch is 1. */
    private static ValueInfoProto framesInfo(ValueInfoProto input) {
        TensorShapeProto.Dimension channels = TensorShapeProto.Dimension.newBuilder().setDimParam("scorecam_c").build();
        TensorShapeProto modelShape = input.getType().getTensorType().getShape();
        if (modelShape.getDimCount() == 4) {
            channels = modelShape.getDim(1);
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(channels);
        for (int i = 2; i < 4; i++) {
            shape.addDim(modelShape.getDimCount() == 4 ? modelShape.getDim(i)
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(i == 2 ? "scorecam_hh" : "scorecam_ww").build());
        }
        return OnnxNodes.tensorInfo(FRAMES, FLOAT, shape.build());
    }

    private static TensorShapeProto shapeOf(TensorProto t) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        t.getDimsList().forEach(d -> shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d)));
        return shape.build();
    }

    /**
     * Fails when the model already has one of the tensor names a derived graph adds, or a tensor under its
     * reserved prefix (the derived graph would silently rewire it).
     */
    static void checkNoClash(OnnxModel model, List<String> names, String reservedPrefix) {
        for (String name : names) {
            if (model.hasTensor(name)) {
                throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                        model.sourceName() + ": the model already has a tensor named '" + name + "'");
            }
        }
        for (NodeProto n : model.graph().getNodeList()) {
            for (String out : n.getOutputList()) {
                if (out.startsWith(reservedPrefix)) {
                    throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                            + ": tensor '" + out + "' uses the reserved prefix '" + reservedPrefix + "'");
                }
            }
        }
    }

    private static void checkLoadable(OnnxModel model) {
        if (model.usesExternalData()) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, model.sourceName()
                    + ": initializers stored as external data are not supported; save the model as one file");
        }
    }
}
