"""Checks the exported shapes model with an independent Score-CAM (SEED convention) on the sample frames.

Runs the ONNX graph itself (its weights, op by op, with torch functional ops: Conv, Relu, MaxPool, Identity,
GlobalAveragePool/ReduceMean, Flatten, Gemm), takes the tensor that feeds the global pooling as the
Score-CAM layer, and prints top-1 accuracy and the pointing game on the frames. Not used by the Java code.
Usage: python3 tools/shapes/check_scorecam.py [models/shapes]
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


class OnnxTorch:
    """A tiny interpreter for the plain CNN ops this model uses."""

    def __init__(self, path):
        self.model = onnx.load(path)
        g = self.model.graph
        self.weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in g.initializer}
        self.input = g.input[0].name
        self.output = g.output[0].name
        pools = [n for n in g.node if n.op_type in ("GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceMax")]
        self.layer = pools[-1].input[0]

    def run(self, x):
        env = dict(self.weights)
        env[self.input] = x
        for n in self.model.graph.node:
            a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
            i = [env[k] for k in n.input if k]
            if n.op_type == "Conv":
                p = a.get("pads", [0, 0, 0, 0])
                assert p[0] == p[2] and p[1] == p[3], "asymmetric pads"
                y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=a.get("strides", 1),
                             padding=(p[0], p[1]), dilation=a.get("dilations", 1), groups=a.get("group", 1))
            elif n.op_type == "Constant":
                y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            elif n.op_type == "Pad":
                pads = [int(v) for v in i[1].tolist()]  # [x1_begin, x2_begin, ..., x1_end, x2_end]
                mode = {"constant": "constant", "edge": "replicate", "reflect": "reflect"}[a.get("mode", b"constant").decode()]
                half = len(pads) // 2
                torch_pads = []
                for d in reversed(range(2, half)):
                    torch_pads += [pads[d], pads[d + half]]
                y = F.pad(i[0], torch_pads, mode=mode)
            elif n.op_type == "Identity":
                y = i[0]
            elif n.op_type == "Relu":
                y = F.relu(i[0])
            elif n.op_type == "MaxPool":
                p = a.get("pads", [0, 0, 0, 0])
                y = F.max_pool2d(i[0], a["kernel_shape"], a.get("strides", a["kernel_shape"]), (p[0], p[1]))
            elif n.op_type == "GlobalAveragePool":
                y = i[0].mean(dim=(2, 3), keepdim=True)
            elif n.op_type == "ReduceMean":
                y = i[0].mean(dim=tuple(a["axes"]), keepdim=bool(a.get("keepdims", 1)))
            elif n.op_type == "GlobalMaxPool":
                y = i[0].amax(dim=(2, 3), keepdim=True)
            elif n.op_type == "ReduceMax":
                y = i[0].amax(dim=tuple(a["axes"]), keepdim=bool(a.get("keepdims", 1)))
            elif n.op_type == "Flatten":
                y = torch.flatten(i[0], a.get("axis", 1))
            elif n.op_type == "Gemm":
                b = i[1].t() if a.get("transB", 0) else i[1]
                y = a.get("alpha", 1.0) * i[0] @ b + a.get("beta", 1.0) * i[2]
            else:
                raise NotImplementedError(n.op_type)
            env[n.output[0]] = y
        return env[self.output], env[self.layer]


def load_frame(path, desc):
    """Stretch to the model size (bilinear, half-pixel) and normalise like model.json says."""
    inp = desc["input"]
    img = np.asarray(Image.open(path).convert("RGB"), np.float32)
    t = torch.from_numpy(img).permute(2, 0, 1)[None]
    t = F.interpolate(t, size=(inp["height"], inp["width"]), mode="bilinear", align_corners=False)
    mean = torch.tensor(inp["mean"]).view(1, 3, 1, 1)
    std = torch.tensor(inp["std"]).view(1, 3, 1, 1)
    return (t / inp["scale"] - mean) / std


@torch.no_grad()
def score_cam(net, x, classes):
    """Exact Score-CAM, SEED convention: one masked forward pass per channel."""
    _, acts = net.run(x)
    h, w = x.shape[2:]
    up = F.interpolate(acts[0][:, None], size=(h, w), mode="bilinear", align_corners=False)  # [K,1,H,W]
    lo = up.amin(dim=(2, 3), keepdim=True)
    hi = up.amax(dim=(2, 3), keepdim=True)
    norm = (up - lo) / (hi - lo + 1e-5)
    probs = torch.softmax(net.run(x * norm)[0], dim=1)  # [K,C]
    return {c: F.relu((probs[:, c].view(-1, 1, 1) * norm[:, 0]).sum(0)) for c in classes}


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "models", "shapes")
    desc = json.load(open(os.path.join(model_dir, "model.json")))
    net = OnnxTorch(os.path.join(model_dir, desc.get("model", "model.onnx")))
    boxes = json.load(open(os.path.join(model_dir, "frames", "boxes.json")))
    sx, sy = desc["input"]["width"] / boxes["width"], desc["input"]["height"] / boxes["height"]
    print(f"Score-CAM layer: {net.layer}")
    top1 = top2 = hits = shapes = 0
    two = [f for f in boxes["frames"] if len(f["objects"]) == 2]
    for fr in boxes["frames"]:
        x = load_frame(os.path.join(model_dir, "frames", fr["file"]), desc)
        logits, _ = net.run(x)
        order = logits[0].argsort(descending=True).tolist()
        truth = sorted(o["class_id"] for o in fr["objects"])
        top1 += order[0] in truth
        top2 += sorted(order[:len(truth)]) == truth
        if len(fr["objects"]) < 2:
            continue
        maps = score_cam(net, x, truth)
        for o in fr["objects"]:
            m = maps[o["class_id"]]
            yy, xx = divmod(int(m.argmax()), m.shape[1])
            x0, y0, x1, y1 = o["box"]
            hit = x0 * sx <= xx + 0.5 < x1 * sx and y0 * sy <= yy + 0.5 < y1 * sy
            hits += hit
            shapes += 1
    n = len(boxes["frames"])
    print(f"frames: top-1 in truth {top1}/{n} = {top1 / n:.3f}; all present classes on top {top2}/{n} = {top2 / n:.3f}")
    print(f"pointing game on {len(two)} two-shape frames: {hits}/{shapes} = {hits / max(shapes, 1):.3f} (target >= 0.85)")
    sys.exit(0 if shapes and hits / shapes >= 0.85 else 1)


if __name__ == "__main__":
    main()
