package io.scorecam.server.inference.ort;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo.OnnxTensorType;
import ai.onnxruntime.ValueInfo;
import io.scorecam.server.inference.TensorInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Converts ORT's node descriptions into the backend-neutral {@link TensorInfo}. */
final class OrtTensorInfos {

    private OrtTensorInfos() {
    }

    /** Keeps ORT's order, which is the graph's declaration order. */
    static List<TensorInfo> convert(Map<String, NodeInfo> nodes) {
        List<TensorInfo> out = new ArrayList<>(nodes.size());
        for (NodeInfo node : nodes.values()) {
            out.add(convert(node.getName(), node.getInfo()));
        }
        return List.copyOf(out);
    }

    private static TensorInfo convert(String name, ValueInfo info) {
        if (!(info instanceof ai.onnxruntime.TensorInfo tensor)) {
            // sequences and maps: described, but a run can neither feed nor return them
            return new TensorInfo(name, TensorInfo.ElementType.OTHER, new long[0]);
        }
        TensorInfo.ElementType type = tensor.onnxType == OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT
                ? TensorInfo.ElementType.FLOAT
                : tensor.onnxType == OnnxTensorType.ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64
                        ? TensorInfo.ElementType.INT64 : TensorInfo.ElementType.OTHER;
        long[] shape = tensor.getShape().clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = -1; // symbolic or unknown dimension
            }
        }
        return new TensorInfo(name, type, shape);
    }
}
