#!/usr/bin/env python3
"""Summarises a JFR recording: where the sampled threads were, by top frame and by coarse stage.

    jfr print --events jdk.ExecutionSample,jdk.NativeMethodSample rec.jfr > samples.txt
    python3 jfr-top.py samples.txt [--top 25] [--from HH:MM:SS] [--to HH:MM:SS]

Java samples (jdk.ExecutionSample) show Java code on the CPU; native samples (jdk.NativeMethodSample) show
threads inside native methods -- ONNX Runtime's run, but also threads parked in epoll or waiting.
"""
import re
import sys
from collections import Counter

# coarse stages, first match wins, looked up along the whole stack (innermost first)
STAGES = [
    ("ort", re.compile(r"ai\.onnxruntime|ai\.djl\.onnxruntime|OrtSession")),
    ("png/jpeg encode", re.compile(r"MapImages|ImageIO|PNGImageWriter|JPEGImageWriter|Deflater|MapEncoder")),
    ("decode", re.compile(r"ImageDecoder|PNGImageReader|JPEGImageReader|Inflater")),
    ("preprocess", re.compile(r"Preprocessor|Bilinear|RgbConverter")),
    ("batch assembly", re.compile(r"ScoringPass|FeaturePass|BatchScheduler|WorkGroup")),
    ("combine/finish", re.compile(r"engine\.method|MapFinisher|ScoreTable|Predictions")),
    ("frame hash/cache", re.compile(r"FrameHash|FrameCache")),
    ("protobuf", re.compile(r"com\.google\.protobuf")),
    ("grpc/netty/vertx", re.compile(r"io\.grpc|io\.netty|io\.vertx")),
    ("gc/jit/jdk", re.compile(r"^java\.|^jdk\.|^sun\.")),
]


def samples(lines, start=None, end=None):
    kind, stack, in_stack, when = None, [], False, ""
    for line in lines:
        s = line.strip()
        if s.startswith("jdk.ExecutionSample") or s.startswith("jdk.NativeMethodSample"):
            kind, stack, in_stack, when = s.split()[0], [], False, ""
        elif s.startswith("startTime = "):
            when = s.split()[2][:8]  # HH:MM:SS (a phase is seconds long; finer is not needed)
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s.startswith("]"):
            in_stack = False
            if (start is None or when >= start) and (end is None or when <= end):
                yield kind, stack
        elif in_stack and s and not s.startswith("..."):
            stack.append(re.sub(r"\s+line:.*$", "", s))


def main():
    path = sys.argv[1]
    top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25
    start = sys.argv[sys.argv.index("--from") + 1] if "--from" in sys.argv else None
    end = sys.argv[sys.argv.index("--to") + 1] if "--to" in sys.argv else None
    frames, stages, kinds = Counter(), Counter(), Counter()
    with open(path, encoding="utf-8", errors="replace") as fh:
        for kind, stack in samples(fh, start, end):
            if not stack:
                continue
            kinds[kind] += 1
            frames[(kind, stack[0])] += 1
            stage = "other"
            for name, pattern in STAGES:
                if any(pattern.search(f) for f in stack):
                    stage = name
                    break
            stages[(kind, stage)] += 1
    for kind, total in kinds.items():
        print(f"== {kind}: {total} samples")
        print("-- by stage")
        for (k, stage), n in stages.most_common():
            if k == kind:
                print(f"{100.0 * n / total:6.1f}%  {stage}")
        print(f"-- top {top} frames")
        for (k, frame), n in frames.most_common():
            if k == kind:
                print(f"{100.0 * n / total:6.1f}%  {frame}")
                top_left = top - 1
                top = top_left
                if top_left <= 0:
                    break
        top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 25


if __name__ == "__main__":
    main()
