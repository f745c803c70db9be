"""Generates the gRPC stubs from the project's proto/ while the package is built (pyproject.toml has the rest).

The proto comes from ../../proto/src/main/proto (this directory inside the repository) or $SCORECAM_PROTO_DIR.
The stubs land in the build as the top-level package scorecam.v1, the proto's own package, so the
generated modules' imports (`from scorecam.v1 import explain_pb2`) work unchanged.
"""
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PROTO_FILE = "scorecam/v1/explain.proto"


def proto_dir() -> Path:
    d = Path(os.environ.get("SCORECAM_PROTO_DIR", HERE.parent.parent / "proto" / "src" / "main" / "proto"))
    if not (d / PROTO_FILE).is_file():
        raise SystemExit(f"scorecam-client: {d / PROTO_FILE} not found; build from the repository "
                         f"checkout or set SCORECAM_PROTO_DIR to the directory holding {PROTO_FILE}")
    return d


def generate(out: Path) -> None:
    from grpc_tools import protoc  # a build requirement (pyproject.toml)

    src = proto_dir()
    out.mkdir(parents=True, exist_ok=True)
    rc = protoc.main(["grpc_tools.protoc", f"-I{src}", f"--python_out={out}", f"--grpc_python_out={out}",
                      str(src / PROTO_FILE)])
    if rc != 0:
        raise SystemExit(f"scorecam-client: protoc failed ({rc}) on {src / PROTO_FILE}")
    for pkg in (out / "scorecam", out / "scorecam" / "v1"):
        (pkg / "__init__.py").touch()


class BuildPyWithStubs(build_py):
    def run(self):
        super().run()
        generate(Path(self.build_lib))


setup(cmdclass={"build_py": BuildPyWithStubs})
