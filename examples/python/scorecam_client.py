#!/usr/bin/env python3
"""Streams a folder of JPEG/PNG frames to ScoreCAM Server and saves the overlays it sends back.

Stubs come from the project's proto with grpcio-tools; they are generated into ./gen on first use
(or run the protoc line from README.md yourself).

    python3 scorecam_client.py FOLDER --server localhost:50051 --out overlays --top-k 2
"""
import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_PROTO_DIR = HERE.parent.parent / "proto" / "src" / "main" / "proto"


def load_stubs(stubs_dir: Path, proto_dir: Path):
    """Imports the generated modules, generating them with grpc_tools.protoc when missing."""
    if not (stubs_dir / "scorecam" / "v1" / "explain_pb2_grpc.py").exists():
        from grpc_tools import protoc
        stubs_dir.mkdir(parents=True, exist_ok=True)
        rc = protoc.main(["grpc_tools.protoc", f"-I{proto_dir}", f"--python_out={stubs_dir}",
                          f"--grpc_python_out={stubs_dir}", str(proto_dir / "scorecam" / "v1" / "explain.proto")])
        if rc != 0:
            sys.exit(f"scorecam_client: protoc failed ({rc}) for {proto_dir}")
    sys.path.insert(0, str(stubs_dir))
    from scorecam.v1 import explain_pb2, explain_pb2_grpc  # noqa: E402 (generated above)
    return explain_pb2, explain_pb2_grpc


def frames_of(folder: Path):
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png") and p.is_file())
    if not files:
        sys.exit(f"scorecam_client: {folder} holds no .jpg, .jpeg or .png file")
    return files


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--server", default="localhost:50051")
    ap.add_argument("--token", help="bearer token, when the server requires one")
    ap.add_argument("--out", type=Path, default=Path("overlays"))
    ap.add_argument("--top-k", type=int, default=1)
    ap.add_argument("--method", default="SCORE_CAM", help="SCORE_CAM, FASTER_SCORE_CAM, RECIPRO_CAM, EIGEN_CAM")
    ap.add_argument("--max-channels", type=int, default=0)
    ap.add_argument("--summary", type=Path, help="write a JSON summary of the maps received here")
    ap.add_argument("--stubs", type=Path, default=HERE / "gen", help="where generated stubs live")
    ap.add_argument("--proto-dir", type=Path, default=DEFAULT_PROTO_DIR)
    args = ap.parse_args()

    import grpc
    pb, pb_grpc = load_stubs(args.stubs, args.proto_dir)
    files = frames_of(args.folder)
    args.out.mkdir(parents=True, exist_ok=True)

    def requests():
        for i, path in enumerate(files, start=1):
            yield pb.ExplainRequest(frame_id=i, encoded=path.read_bytes(), top_k=args.top_k,
                                    method=pb.Method.Value(args.method), max_channels=args.max_channels,
                                    want_values=True, want_overlay=True)

    metadata = [("authorization", f"Bearer {args.token}")] if args.token else None
    options = [("grpc.max_receive_message_length", 256 * 1024 * 1024)]
    summary = []
    with grpc.insecure_channel(args.server, options=options) as channel:
        stub = pb_grpc.ExplainServiceStub(channel)
        try:
            for r in stub.ExplainStream(requests(), metadata=metadata):
                path = files[r.frame_id - 1]
                entry = {"file": path.name, "frame_id": r.frame_id, "status": pb.FrameStatus.Name(r.status),
                         "error": r.error_message, "forward_passes": r.forward_passes, "maps": []}
                for m in r.maps:
                    overlay = args.out / f"{path.stem}.class-{m.class_id}.jpg"
                    overlay.write_bytes(m.overlay_jpeg)
                    values = list(m.values)
                    peak = max(range(len(values)), key=values.__getitem__) if values else -1
                    entry["maps"].append({"class_id": m.class_id, "label": m.label, "width": m.width,
                                          "height": m.height, "count": len(values), "sum": sum(values),
                                          "max": max(values, default=0.0), "argmax": peak,
                                          "overlay": overlay.name})
                summary.append(entry)
                print(f"{path.name}: {entry['status']} " + ", ".join(
                    f"class {m['class_id']} {m['label']}" for m in entry["maps"]), flush=True)
        except grpc.RpcError as e:
            sys.exit(f"scorecam_client: {e.code().name}: {e.details()}")
    if args.summary:
        args.summary.write_text(json.dumps({"frames": summary}, indent=1))
    print(f"overlays in {os.path.abspath(args.out)}")


if __name__ == "__main__":
    main()
