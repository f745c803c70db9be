"""The sample "video": 60 frames of 128x128 shapes moving over one cluttered background, plus boxes.json."""
import json
import math
import os

import numpy as np
from PIL import Image

import shapes_gen as g

# (first frame, end frame exclusive, objects); object = (kind, radius, start centre, end centre, start angle, spin)
SCRIPT = [
    (0, 10, [("triangle", 22, (28, 40), (60, 70), 0.2, 0.05)]),
    (10, 28, [("circle", 17, (30, 32), (38, 92), 0.0, 0.0),
              ("star", 21, (96, 96), (92, 36), 0.0, 0.04)]),
    (28, 46, [("square", 17, (34, 96), (94, 98), 0.3, 0.05),
              ("cross", 20, (40, 34), (92, 30), 0.0, -0.04)]),
    (46, 52, [("star", 24, (64, 64), (72, 60), 1.0, 0.06)]),
    (52, 60, [("triangle", 18, (30, 94), (40, 80), 0.0, 0.05),
              ("cross", 18, (92, 34), (90, 50), 0.4, 0.03)]),
]
MIN_GAP = 8


def write_frames(out_dir, seed=7):
    rng = np.random.default_rng(seed)
    os.makedirs(out_dir, exist_ok=True)
    bg = g.background(rng, noise=1.5)
    frames = []
    colours = {}
    for first, end, objects in SCRIPT:
        for f in range(first, end):
            t = (f - first) / max(end - first - 1, 1)
            img = bg.copy()
            entries = []
            for i, (kind, r, p0, p1, a0, spin) in enumerate(objects):
                cx = p0[0] + (p1[0] - p0[0]) * t
                cy = p0[1] + (p1[1] - p0[1]) * t
                key = (first, i)
                m, colours[key] = g.paint_shape(rng, img, kind, cx, cy, r, a0 + spin * (f - first),
                                                colours.get(key))
                cid = g.CLASSES.index(kind)
                entries.append({"class_id": cid, "label": kind, "box": g.mask_box(m)})
            if len(entries) == 2:
                gap = g.box_gap(entries[0]["box"], entries[1]["box"])
                assert gap >= MIN_GAP, f"frame {f}: boxes only {gap} px apart"
            name = f"frame_{f:03d}.png"
            Image.fromarray(np.clip(img, 0, 255).round().astype(np.uint8)).save(
                os.path.join(out_dir, name), optimize=True)
            frames.append({"file": name, "objects": entries})
    doc = {"width": g.FRAME, "height": g.FRAME, "classes": g.CLASSES, "frames": frames}
    with open(os.path.join(out_dir, "boxes.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    return doc


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    d = write_frames(os.path.join(here, "..", "..", "models", "shapes", "frames"))
    print(sum(len(f["objects"]) == 2 for f in d["frames"]), "two-shape frames of", len(d["frames"]))
