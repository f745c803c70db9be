"""Renders shape scenes on cluttered backgrounds at frame resolution (128x128 by default).

Training images and the sample video frames come from the same renderer, and training stretches
them to the model size exactly like the server does (bilinear, half-pixel), so both see the same pixels.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

CLASSES = ["circle", "square", "triangle", "star", "cross"]
FRAME = 128


def shape_polygon(kind, cx, cy, r, angle):
    """Vertices of a shape with circumradius r, rotated by angle (radians); None for the circle."""
    if kind == "circle":
        return None
    if kind == "square":
        pts = [(r * math.cos(a), r * math.sin(a)) for a in (math.pi / 4 + k * math.pi / 2 for k in range(4))]
    elif kind == "triangle":
        pts = [(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2 + k * 2 * math.pi / 3 for k in range(3))]
    elif kind == "star":
        pts = []
        for k in range(10):
            rr = r if k % 2 == 0 else 0.42 * r
            a = -math.pi / 2 + k * math.pi / 5
            pts.append((rr * math.cos(a), rr * math.sin(a)))
    elif kind == "cross":
        w = 0.34 * r  # half the arm width; arms reach r along the axes
        h = math.sqrt(max(r * r - w * w, 1.0))
        pts = [(w, -h), (w, -w), (h, -w), (h, w), (w, w), (w, h),
               (-w, h), (-w, w), (-h, w), (-h, -w), (-w, -w), (-w, -h)]
    else:
        raise ValueError(kind)
    c, s = math.cos(angle), math.sin(angle)
    return [(cx + x * c - y * s, cy + x * s + y * c) for x, y in pts]


def shape_mask(kind, cx, cy, r, angle, size=FRAME):
    """Boolean mask [size,size] of one shape."""
    img = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(img)
    if kind == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    else:
        d.polygon(shape_polygon(kind, cx, cy, r, angle), fill=255)
    return np.asarray(img) > 127


def mask_box(mask):
    """[x0,y0,x1,y1] of a mask, x1/y1 exclusive."""
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def box_gap(a, b):
    """Chebyshev gap in pixels between two boxes (negative when they overlap)."""
    dx = max(b[0] - a[2], a[0] - b[2])
    dy = max(b[1] - a[3], a[1] - b[3])
    return max(dx, dy)


def background(rng, size=FRAME, noise=None):
    """Clutter: a colour gradient, soft blobs, thin lines and scribbles, pixel noise. Float [size,size,3]."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    c0, c1 = rng.uniform(0, 255, 3).astype(np.float32), rng.uniform(0, 255, 3).astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    t = (xx * math.cos(a) + yy * math.sin(a))
    t = (t - t.min()) / (t.max() - t.min() + 1e-6)
    img = c0[None, None, :] * (1 - t[..., None]) + c1[None, None, :] * t[..., None]
    for _ in range(rng.integers(0, 5)):  # soft blobs: no edges, so never a shape
        bx, by, sg = rng.uniform(0, 1), rng.uniform(0, 1), rng.uniform(0.05, 0.25)
        g = 0.7 * np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / np.float32(2 * sg * sg))[..., None]
        img = img * (1 - g) + rng.uniform(0, 255, 3).astype(np.float32)[None, None, :] * g
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    for _ in range(rng.integers(2, 10)):  # thin straight lines
        p = rng.uniform(-10, size + 10, 4)
        d.line([tuple(p[:2]), tuple(p[2:])], fill=tuple(int(v) for v in rng.uniform(0, 255, 3)),
               width=int(rng.integers(1, 3)))
    for _ in range(rng.integers(0, 4)):  # wavy scribbles
        x0, y0 = rng.uniform(0, size, 2)
        ang, amp, freq = rng.uniform(0, 2 * math.pi), rng.uniform(2, 8), rng.uniform(0.1, 0.4)
        n = rng.uniform(20, 70)
        s = np.linspace(0, n, 30)
        px = x0 + s * math.cos(ang) - amp * np.sin(freq * s) * math.sin(ang)
        py = y0 + s * math.sin(ang) + amp * np.sin(freq * s) * math.cos(ang)
        d.line(list(zip(px.tolist(), py.tolist())), fill=tuple(int(v) for v in rng.uniform(0, 255, 3)), width=1)
    for _ in range(rng.integers(0, 30)):  # specks
        x, y = rng.uniform(0, size, 2)
        d.point((float(x), float(y)), fill=tuple(int(v) for v in rng.uniform(0, 255, 3)))
    img = np.asarray(pil).astype(np.float32)
    sigma = rng.uniform(0, 10) if noise is None else noise
    if sigma > 0:
        img = img + np.float32(sigma) * rng.standard_normal(img.shape, dtype=np.float32)
    return img


def contrasting_colour(rng, region_mean):
    """A colour clearly different from the background under the shape."""
    best, best_d = None, -1.0
    for _ in range(20):
        c = rng.uniform(0, 255, 3)
        dist = float(np.linalg.norm(c - region_mean))
        if dist > 110:
            return c
        if dist > best_d:
            best, best_d = c, dist
    return best


def paint_shape(rng, img, kind, cx, cy, r, angle, colour=None):
    """Paints a filled shape (optionally with a darker/lighter rim) into img in place; returns its mask."""
    m = shape_mask(kind, cx, cy, r, angle, img.shape[0])
    if colour is None:
        colour = contrasting_colour(rng, img[m].mean(axis=0))
    shade = rng.uniform(0.85, 1.15, 3)
    img[m] = np.clip(colour * shade, 0, 255)
    return m, colour


def random_layout(rng, kinds, size=FRAME, min_gap=4):
    """Centres, radii and angles for shapes whose boxes stay min_gap apart; None when it cannot place them."""
    placed = []
    for kind in kinds:
        for _ in range(50):
            r = rng.uniform(11, 27) if len(kinds) == 1 else rng.uniform(10, 22)
            cx, cy = rng.uniform(r + 1, size - r - 1, 2)
            ang = rng.uniform(0, 2 * math.pi)
            m = shape_mask(kind, cx, cy, r, ang, size)
            if m.sum() < 20:
                continue
            box = mask_box(m)
            if all(box_gap(box, p[5]) >= min_gap for p in placed):
                placed.append((kind, cx, cy, r, ang, box))
                break
        else:
            return None
    return placed


def render_scene(rng, kinds, size=FRAME):
    """One random scene with the given shape kinds. Returns (uint8 image [size,size,3], boxes)."""
    while True:
        layout = random_layout(rng, kinds, size)
        if layout is not None:
            break
    img = background(rng, size)
    boxes = []
    for kind, cx, cy, r, ang, _ in layout:
        m, _ = paint_shape(rng, img, kind, cx, cy, r, ang)
        boxes.append(mask_box(m))
    if rng.uniform() < 0.5:  # light noise over the shapes too
        img = img + np.float32(rng.uniform(1, 6)) * rng.standard_normal(img.shape, dtype=np.float32)
    return np.clip(img, 0, 255).round().astype(np.uint8), boxes


def stretch(images_u8, out=96):
    """uint8 [N,H,W,3] -> float [N,3,out,out] in 0..255, bilinear half-pixel like the server's resize."""
    t = torch.from_numpy(np.ascontiguousarray(images_u8)).permute(0, 3, 1, 2).float()
    return F.interpolate(t, size=(out, out), mode="bilinear", align_corners=False)


def normalise(pixels):
    """The model.json preprocessing: (pixel/255 - 0.5) / 0.25."""
    return (pixels / 255.0 - 0.5) / 0.25


def make_batch(rng, n, two_fraction):
    """n random scenes -> (uint8 [n,128,128,3], soft targets [n,5], class lists)."""
    imgs = np.empty((n, FRAME, FRAME, 3), np.uint8)
    targets = np.zeros((n, len(CLASSES)), np.float32)
    present = []
    for i in range(n):
        k = 2 if rng.uniform() < two_fraction else 1
        ids = rng.choice(len(CLASSES), size=k, replace=False)
        imgs[i], _ = render_scene(rng, [CLASSES[j] for j in ids])
        targets[i, ids] = 1.0 / k
        present.append(sorted(int(j) for j in ids))
    return imgs, targets, present
