package io.scorecam.server.onnx;

import com.google.protobuf.ByteString;
import io.scorecam.server.onnx.proto.AttributeProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.TensorProto;
import io.scorecam.server.onnx.proto.TensorShapeProto;
import io.scorecam.server.onnx.proto.TypeProto;
import io.scorecam.server.onnx.proto.ValueInfoProto;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Small builders for nodes, attributes, initializers and value infos (surgery and synthesised models). */
public final class OnnxNodes {
    private OnnxNodes() {
    }

    public static NodeProto node(String opType, String name, List<String> inputs, List<String> outputs,
                                 AttributeProto... attributes) {
        return NodeProto.newBuilder().setOpType(opType).setName(name)
                .addAllInput(inputs).addAllOutput(outputs).addAllAttribute(List.of(attributes)).build();
    }

    /** One-output node whose output is named like the node. */
    public static NodeProto node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
        return node(opType, name, inputs, List.of(name), attributes);
    }

    public static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    public static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    public static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        return b.build();
    }

    /** A float initializer stored as little-endian raw_data (what exporters write). */
    public static TensorProto floatTensor(String name, long[] dims, float[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return tensor(name, TensorProto.DataType.FLOAT, dims, buf);
    }

    public static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        checkCount(name, dims, values.length);
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return tensor(name, TensorProto.DataType.INT64, dims, buf);
    }

    /** A 1-D int64 initializer. */
    public static TensorProto int64Vector(String name, long... values) {
        return int64Tensor(name, new long[] {values.length}, values);
    }

    /** A 0-D (scalar) float initializer. */
    public static TensorProto floatScalar(String name, float value) {
        return floatTensor(name, new long[0], new float[] {value});
    }

    private static TensorProto tensor(String name, TensorProto.DataType type, long[] dims, ByteBuffer data) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : dims) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(data.array())).build();
    }

    private static void checkCount(String name, long[] dims, int count) {
        long expected = 1;
        for (long d : dims) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException(name + ": " + count + " values for " + expected + " elements");
        }
    }

    /** A value info with only a name: enough for an extra graph output, ORT infers type and shape. */
    public static ValueInfoProto nameOnly(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    /**
     * A tensor value info; each dim is a Long/Integer (fixed size) or a String (symbolic, e.g. "batch").
     */
    public static ValueInfoProto tensorInfo(String name, TensorProto.DataType elemType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof Number n) {
                dim.setDimValue(n.longValue());
            } else if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                throw new IllegalArgumentException("dimension must be a number or a name: " + d);
            }
            shape.addDim(dim);
        }
        return tensorInfo(name, elemType.getNumber(), shape.build());
    }

    public static ValueInfoProto tensorInfo(String name, int elemType, TensorShapeProto shape) {
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape).build();
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
