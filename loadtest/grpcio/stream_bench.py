#!/usr/bin/env python3
"""One stream from a grpcio (Python) client, measured as a new user would run it: scorecam_client's
ScoreCamClient.stream() with default options, unique frames.

  closed: frames as fast as the stream takes them (policy BLOCK: gRPC flow control paces the sender)
  live:   frames at a fixed rate (a camera), policy LATEST by default: the server skips what it cannot take

Prints one line per run, e.g.
  GRPCIO mode=live source=jpeg size=640x480 method=RECIPRO_CAM offered_fps=30.0 answered_fps=29.9 ok=598
         skipped=0 errors=0 p50_ms=14.2 p95_ms=19.8 server_p50_ms=9.1 seconds=20.0
latency = the frame handed to grpcio -> its answer back in Python (so it includes the client's own work).

  PYTHONPATH=<site with scorecam_client> python3 stream_bench.py --server localhost:50051 \\
      --frames DIR_OF_JPEGS [--raw] [--mode live --fps 30] [--method RECIPRO_CAM] [--seconds 20]
--raw sends RawImage: the JPEGs are decoded to RGB (by ffmpeg) before the clock starts. Frames are used in
order and never repeated; a run needs fps x (warmup + seconds) of them in live mode.
"""
import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

from scorecam_client import ScoreCamClient


def load_frames(folder: Path, raw: bool, limit: int):
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))[:limit]
    if not files:
        sys.exit(f"no JPEG/PNG frames in {folder}")
    if not raw:
        return [f.read_bytes() for f in files], "jpeg"
    probe = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0",
                            str(files[0])], check=True, capture_output=True, text=True).stdout.strip()
    w, h = (int(v) for v in probe.split(","))
    # one ffmpeg for the whole sequence (the files are named in order): RGB24, frame after frame
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
        listing.write("".join(f"file '{f.resolve()}'\n" for f in files))
        listing.flush()
        rgb = subprocess.run(["ffmpeg", "-v", "error", "-f", "concat", "-safe", "0", "-i", listing.name,
                              "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], check=True, capture_output=True).stdout
    out = list(np.frombuffer(rgb, dtype=np.uint8).reshape(-1, h, w, 3))
    return out, "raw"


STAGES = ("decode", "resize", "normalise", "passes", "combine", "encode")


def stage_totals(metrics_url):
    """{stage: (count, seconds)} from the server's scorecam_frame_stage_seconds summary, or None."""
    if not metrics_url:
        return None
    text = urllib.request.urlopen(metrics_url, timeout=5).read().decode()
    totals = {}
    for line in text.splitlines():
        if not line.startswith("scorecam_frame_stage_seconds_"):
            continue
        name, _, value = line.rpartition(" ")
        kind = name.split("{")[0].rsplit("_", 1)[1]
        stage = name.split('stage="', 1)[1].split('"', 1)[0] if 'stage="' in name else None
        if stage in STAGES and kind in ("count", "sum"):
            count, secs = totals.get(stage, (0.0, 0.0))
            totals[stage] = (count + float(value), secs) if kind == "count" else (count, secs + float(value))
    return totals


def profile_line(before, after, label):
    """Mean ms per frame of each stage between two scrapes, as bench's PROFILE line."""
    parts = []
    for stage in STAGES:
        c0, s0 = before.get(stage, (0, 0))
        c1, s1 = after.get(stage, (0, 0))
        parts.append(f"{stage}_ms={(s1 - s0) * 1000 / (c1 - c0):.2f}" if c1 > c0 else f"{stage}_ms=n/a")
    return f"PROFILE {label} " + " ".join(parts)


def percentile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def run(args):
    live = args.mode == "live"
    total_s = args.warmup + args.seconds
    need = int(args.fps * total_s) + 1 if live else args.limit
    frames, kind = load_frames(args.frames, args.raw, need)
    first = frames[0]
    if isinstance(first, np.ndarray):
        size = f"{first.shape[1]}x{first.shape[0]}"
    else:
        size = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0",
                               "-i", "-"], input=first, capture_output=True).stdout.decode().strip().replace(",", "x")
    policy = args.policy or ("LATEST" if live else None)
    if live and len(frames) < args.fps * total_s:
        sys.exit(f"{len(frames)} frames are too few for {total_s:.0f} s at {args.fps} fps without repeating one")
    sent = {}                      # frame_id -> monotonic send time
    lock = threading.Lock()
    stop = threading.Event()

    def source():
        t0 = time.monotonic()
        for i, frame in enumerate(frames):
            if stop.is_set():
                return
            if live:
                due = t0 + i / args.fps
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            with lock:
                sent[i + 1] = time.monotonic()
            yield frame

    options = {"method": args.method} if args.method else {}
    if args.model:
        options["model"] = args.model
    before = stage_totals(args.metrics)
    ok_lat, server_ms = [], []
    ok = skipped = errors = 0
    start = None
    window_start = window_end = None
    with ScoreCamClient(args.server) as client:
        for r in client.stream(source(), policy=policy, **options):
            now = time.monotonic()
            if start is None:
                start = now
                window_start = start + args.warmup
                window_end = window_start + args.seconds
            if now >= window_end:
                stop.set()
                break
            if now < window_start:
                continue
            with lock:
                t_sent = sent.pop(r.frame_id, None)
            if r.status == "OK":
                ok += 1
                if t_sent is not None:
                    ok_lat.append((now - t_sent) * 1000)
                server_ms.append(r.total_ms)
            elif r.status == "SKIPPED":
                skipped += 1
            else:
                errors += 1
                if errors <= 3:
                    print(f"frame {r.frame_id}: {r.error_code} {r.error_message}", file=sys.stderr)
    seconds = args.seconds if window_end and time.monotonic() >= window_end else max(1e-9, time.monotonic() - window_start)
    offered = f"{args.fps:.1f}" if live else "max"
    print(f"GRPCIO mode={args.mode} source={kind} size={size} method={args.method or 'default'} "
          f"policy={policy or 'BLOCK'} offered_fps={offered} answered_fps={ok / seconds:.1f} ok={ok} "
          f"skipped={skipped} errors={errors} p50_ms={percentile(ok_lat, 0.5):.1f} "
          f"p95_ms={percentile(ok_lat, 0.95):.1f} server_p50_ms={percentile(server_ms, 0.5):.1f} "
          f"seconds={seconds:.1f}", flush=True)
    if before is not None:
        time.sleep(0.5)  # frames still in flight when the window closed finish their stages
        print(profile_line(before, stage_totals(args.metrics),
                           f"mode={args.mode} source={kind} size={size} method={args.method or 'default'}"), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", default="localhost:50051")
    p.add_argument("--frames", type=Path, required=True, help="a folder of JPEG/PNG frames, used in name order")
    p.add_argument("--raw", action="store_true", help="send RawImage (decoded RGB) instead of the JPEG bytes")
    p.add_argument("--mode", choices=("closed", "live"), default="closed")
    p.add_argument("--fps", type=float, default=30.0, help="live: the source's frames/s")
    p.add_argument("--policy", choices=("BLOCK", "LATEST"), help="default: LATEST live, BLOCK closed")
    p.add_argument("--method", default="RECIPRO_CAM", help="'' for the server's default")
    p.add_argument("--model", default="")
    p.add_argument("--metrics", help="the server's /metrics URL: then a PROFILE line (mean ms per stage) follows")
    p.add_argument("--limit", type=int, default=100000, help="closed: at most this many frames")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds answered before the measuring window")
    p.add_argument("--seconds", type=float, default=10.0, help="measuring window")
    run(p.parse_args())


if __name__ == "__main__":
    main()
