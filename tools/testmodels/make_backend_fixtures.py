#!/usr/bin/python3
"""Writes the tiny ONNX models the inference-backend tests load.

Run with Debian's python3 (it has the `onnx` package):
    /usr/bin/python3 tools/testmodels/make_backend_fixtures.py server/src/test/resources/fixtures

Weights follow closed formulas so the Java tests can recompute every output by hand
(see TinyCnnReference in the server test tree): keep the two in step.
"""
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 13


def conv_weight(o, i, ky, kx):
    return ((o * 7 + i * 5 + ky * 3 + kx) % 11 - 5) / 10.0


def tiny_cnn():
    """x[N,2,5,5] -> Conv(3x3, 3 out, pad 1) -> Relu -> GlobalAveragePool -> Flatten -> Gemm -> logits[N,4].

    Outputs both `logits` and the Relu activations `features` [N,3,5,5]; the batch dimension is dynamic.
    """
    cin, cout, classes = 2, 3, 4
    w = np.array([[[[conv_weight(o, i, ky, kx) for kx in range(3)] for ky in range(3)]
                   for i in range(cin)] for o in range(cout)], dtype=np.float32)
    b = np.array([0.1 * (o - 1) for o in range(cout)], dtype=np.float32)
    # Gemm with transB=1: weight [classes, cout]
    gw = np.array([[((k * 3 + c) % 5 - 2) / 4.0 for c in range(cout)] for k in range(classes)], dtype=np.float32)
    gb = np.array([0.01 * k for k in range(classes)], dtype=np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["conv"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["features"]),
        helper.make_node("GlobalAveragePool", ["features"], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"], axis=1),
        helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], transB=1),
    ]
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", cin, 5, 5])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", classes]),
         helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", cout, 5, 5])],
        [numpy_helper.from_array(w, "conv_w"), numpy_helper.from_array(b, "conv_b"),
         numpy_helper.from_array(gw, "fc_w"), numpy_helper.from_array(gb, "fc_b")])
    return graph


def gather_int64():
    """table[R,3] float, index[M] int64 -> Gather(axis 0) * 2 -> picked[M,3]."""
    two = numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two")
    nodes = [
        helper.make_node("Gather", ["table", "index"], ["gathered"], axis=0),
        helper.make_node("Mul", ["gathered", "two"], ["picked"]),
    ]
    return helper.make_graph(
        nodes, "gather_int64",
        [helper.make_tensor_value_info("table", TensorProto.FLOAT, ["R", 3]),
         helper.make_tensor_value_info("index", TensorProto.INT64, ["M"])],
        [helper.make_tensor_value_info("picked", TensorProto.FLOAT, ["M", 3])],
        [two])


def save(graph, path):
    model = helper.make_model(graph, producer_name="scorecam-test-fixtures",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    print(path, path.stat().st_size, "bytes")


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "server/src/test/resources/fixtures")
    out.mkdir(parents=True, exist_ok=True)
    save(tiny_cnn(), out / "tiny_cnn.onnx")
    save(gather_int64(), out / "gather_int64.onnx")


if __name__ == "__main__":
    main()
