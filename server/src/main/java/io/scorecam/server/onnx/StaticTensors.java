package io.scorecam.server.onnx;

import io.scorecam.server.onnx.proto.AttributeProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Which tensors of a graph do not depend on the image values (initializers, constants, shapes and
 * arithmetic on them), and the values of small int64 constants such as reduce axes.
 */
final class StaticTensors {
    private static final Set<String> ALWAYS_STATIC = Set.of("Constant", "Shape", "Size");

    private final OnnxModel model;
    private final Set<String> statics = new HashSet<>();

    StaticTensors(OnnxModel model) {
        this.model = model;
        model.graph().getInitializerList().forEach(t -> statics.add(t.getName()));
        model.inputs().forEach(i -> statics.remove(i.getName()));
        // Nodes are topologically sorted (an ONNX requirement), so one pass settles every tensor.
        for (NodeProto node : model.graph().getNodeList()) {
            boolean isStatic = ALWAYS_STATIC.contains(node.getOpType()) || allInputsStatic(node);
            if (isStatic) {
                node.getOutputList().forEach(statics::add);
            }
        }
    }

    private boolean allInputsStatic(NodeProto node) {
        boolean any = false;
        for (String in : node.getInputList()) {
            if (in.isEmpty()) {
                continue;
            }
            if (!statics.contains(in)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    boolean isStatic(String tensor) {
        return statics.contains(tensor);
    }

    /** A reduce node's axes, from the attribute (opset < 18) or the constant second input; empty if unknown. */
    long[] axes(NodeProto node) {
        for (AttributeProto a : node.getAttributeList()) {
            if (a.getName().equals("axes")) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            return int64Constant(node.getInput(1)).orElse(new long[0]);
        }
        return new long[0];
    }

    /** The values of an int64 initializer or Constant node output. */
    Optional<long[]> int64Constant(String name) {
        Optional<TensorProto> tensor = model.initializer(name);
        if (tensor.isEmpty()) {
            tensor = model.producer(name).filter(n -> n.getOpType().equals("Constant"))
                    .flatMap(n -> n.getAttributeList().stream().filter(a -> a.getName().equals("value"))
                            .findFirst().map(AttributeProto::getT));
        }
        return tensor.filter(t -> t.getDataType() == TensorProto.DataType.INT64.getNumber())
                .map(StaticTensors::int64Values);
    }

    private static long[] int64Values(TensorProto t) {
        if (t.getInt64DataCount() > 0) {
            return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
        }
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[raw.remaining() / Long.BYTES];
        raw.asLongBuffer().get(values);
        return values;
    }
}
