package io.scorecam.server.onnx;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Guesses the Score-CAM target layer: the feature tensor that enters the classifier head (global pooling,
 * spatial ReduceMean/Max, or Flatten/Reshape after a last pooling), then earlier feature tensors as
 * fallbacks. Works on names and op types only; the engine checks the real shapes with ONNX Runtime.
 */
public final class LayerFinder {
    /** How many candidates to return at most; the engine stops at the first 4-D one anyway. */
    static final int MAX_CANDIDATES = 8;
    /** Nodes searched past a pool-less Flatten for a global pool before settling for the Flatten input. */
    static final int FLATTEN_LOOKBEHIND = 8;

    private static final Set<String> GLOBAL_POOLS = Set.of(
            "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "QLinearGlobalAveragePool");
    private static final Set<String> SPATIAL_REDUCES = Set.of("ReduceMean", "ReduceMax");
    private static final Set<String> FLATTENS = Set.of("Flatten", "Reshape");
    private static final Set<String> LOCAL_POOLS = Set.of(
            "MaxPool", "AveragePool", "LpPool", "QLinearAveragePool");
    /** Ops that do not change which layer a tensor is (skipped between the pooling and flatten). */
    private static final Set<String> TRANSPARENT = Set.of(
            "Identity", "Dropout", "DequantizeLinear", "QuantizeLinear");

    private final OnnxModel model;
    private final StaticTensors statics;

    private LayerFinder(OnnxModel model) {
        this.model = model;
        this.statics = new StaticTensors(model);
    }

    /** Target-layer candidates for the given model output, best first; empty when nothing fits. */
    public static List<String> candidates(OnnxModel model, String outputName) {
        if (model.outputs().stream().noneMatch(o -> o.getName().equals(outputName))) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    model.sourceName() + ": '" + outputName + "' is not a graph output");
        }
        return new LayerFinder(model).find(outputName);
    }

    private List<String> find(String outputName) {
        Optional<String> feature = headInput(outputName);
        LinkedHashSet<String> result = new LinkedHashSet<>();
        walkBack(feature.orElse(outputName), result);
        result.remove(outputName);
        return List.copyOf(result);
    }

    /**
     * Breadth-first from the output: the tensor entering the nearest pooling/flatten head, if any. A
     * Flatten/Reshape with no pooling before it is only a fallback: a global pool a few nodes further
     * back (a conv head on pooled features, as in MobileNetV3) is the better answer.
     */
    private Optional<String> headInput(String outputName) {
        Deque<String> queue = new ArrayDeque<>(List.of(outputName));
        Set<String> seen = new HashSet<>(queue);
        String flattenFallback = null;
        int budgetAfterFallback = FLATTEN_LOOKBEHIND;
        while (!queue.isEmpty() && (flattenFallback == null || budgetAfterFallback-- > 0)) {
            NodeProto node = model.producer(queue.poll()).orElse(null);
            if (node == null) {
                continue;
            }
            if (isGlobalPool(node)) {
                return Optional.of(node.getInput(0));
            }
            if (FLATTENS.contains(node.getOpType()) && flattenFallback == null) {
                String in = node.getInput(0);
                String pooledFrom = beforePools(in);
                if (!pooledFrom.equals(in)) {
                    return Optional.of(pooledFrom);
                }
                flattenFallback = in;
            }
            for (String in : dataInputs(node)) {
                if (seen.add(in)) {
                    queue.add(in);
                }
            }
        }
        return Optional.ofNullable(flattenFallback);
    }

    /**
     * The tensor before a run of pooling ops (VGG: ReLU -> MaxPool -> AveragePool(1x1) -> Flatten gives
     * the ReLU output); the tensor itself when no pooling precedes it.
     */
    private String beforePools(String tensor) {
        String t = tensor;
        for (int i = 0; i < 16; i++) {
            NodeProto p = model.producer(skipTransparent(t)).orElse(null);
            if (p == null || !(LOCAL_POOLS.contains(p.getOpType()) || isGlobalPool(p))) {
                return t; // as read by the pool: a DequantizeLinear output stays one
            }
            t = p.getInput(0);
        }
        return t;
    }

    /** Adds the float version of {@code start} and of the tensors before it along first data inputs. */
    private void walkBack(String start, Set<String> result) {
        String tensor = start;
        boolean skipThis = false;
        for (int steps = 0; steps < 256 && result.size() < MAX_CANDIDATES; steps++) {
            if (!skipThis) {
                floatVersion(tensor).ifPresent(result::add);
            }
            NodeProto node = model.producer(tensor).orElse(null);
            if (node == null) {
                return; // a graph input (the image itself is never a target layer)
            }
            List<String> inputs = dataInputs(node);
            if (inputs.isEmpty()) {
                return;
            }
            // The float tensor quantised by a QuantizeLinear is the same layer as its DequantizeLinear.
            skipThis = node.getOpType().equals("QuantizeLinear");
            tensor = inputs.get(0);
        }
    }

    private String skipTransparent(String tensor) {
        String t = tensor;
        for (int i = 0; i < 16; i++) {
            Optional<NodeProto> p = model.producer(t);
            if (p.isEmpty() || !TRANSPARENT.contains(p.get().getOpType())) {
                return t;
            }
            t = p.get().getInput(0);
        }
        return t;
    }

    /**
     * The float tensor that carries this layer: itself when float, the output of a DequantizeLinear that
     * reads it when quantised, or nothing (a graph input, or an int8 tensor no float copy exists for).
     */
    private Optional<String> floatVersion(String tensor) {
        if (model.producer(tensor).isEmpty()) {
            return Optional.empty();
        }
        if (!isQuantised(tensor)) {
            return Optional.of(tensor);
        }
        for (NodeProto consumer : model.consumers(tensor)) {
            if (consumer.getOpType().equals("DequantizeLinear") && consumer.getInput(0).equals(tensor)) {
                return Optional.of(consumer.getOutput(0));
            }
        }
        return Optional.empty();
    }

    private boolean isQuantised(String tensor) {
        var info = model.valueInfo(tensor);
        if (info.isPresent() && info.get().getType().getTensorType().hasElemType()) {
            return info.get().getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT.getNumber();
        }
        String op = model.producer(tensor).map(NodeProto::getOpType).orElse("");
        return op.equals("QuantizeLinear") || op.equals("DynamicQuantizeLinear") || op.startsWith("QLinear")
                || op.endsWith("Integer") || op.equals("QGemm");
    }

    private boolean isGlobalPool(NodeProto node) {
        if (GLOBAL_POOLS.contains(node.getOpType())) {
            return true;
        }
        if (!SPATIAL_REDUCES.contains(node.getOpType())) {
            return false;
        }
        long[] axes = statics.axes(node);
        Set<Long> normalised = new HashSet<>();
        for (long a : axes) {
            normalised.add(a < 0 ? a + 4 : a); // the feature map is [N, K, h, w]
        }
        return normalised.equals(Set.of(2L, 3L));
    }

    /** Inputs that carry activations, not weights or shape arithmetic. */
    private List<String> dataInputs(NodeProto node) {
        List<String> result = new ArrayList<>();
        for (String in : node.getInputList()) {
            if (!in.isEmpty() && !statics.isStatic(in)) {
                result.add(in);
            }
        }
        return result;
    }
}
