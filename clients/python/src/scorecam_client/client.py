"""ScoreCamClient: Explain and ExplainStream with numpy maps. One concern: turning the API into Python values."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Sequence, Union

import grpc
import numpy as np

from scorecam.v1 import explain_pb2 as pb  # generated at build time from proto/ (setup.py)
from scorecam.v1 import explain_pb2_grpc as pb_grpc

Image = Union[bytes, bytearray, memoryview, str, Path, np.ndarray]
DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024


class ScoreCamError(Exception):
    """A call failed (code: the gRPC status name), or, from explain(), the frame was answered ERROR."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ClassScore:
    class_id: int
    label: str
    probability: float


@dataclass(frozen=True)
class SaliencyMap:
    class_id: int
    label: str
    probability: float
    values: np.ndarray              # float32, shape (height, width), row-major as the server sent it
    raw_max: float
    class_agnostic: bool
    faithfulness: Optional[dict]    # with metrics=True: drop, increase, deletion_auc, insertion_auc, curves

    @property
    def height(self) -> int:
        return self.values.shape[0]

    @property
    def width(self) -> int:
        return self.values.shape[1]


@dataclass(frozen=True)
class Explanation:
    frame_id: int
    status: str                     # OK, SKIPPED or ERROR
    error_code: str = ""
    error_message: str = ""
    predictions: List[ClassScore] = field(default_factory=list)
    maps: List[SaliencyMap] = field(default_factory=list)
    forward_passes: int = 0         # 0 on a cache hit
    queue_ms: float = 0.0
    compute_ms: float = 0.0
    total_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "OK"


class ScoreCamClient:
    """A connection to one ScoreCAM server.

    addr: host:port. token: sent as 'authorization: Bearer TOKEN'. tls: False (plaintext), True (TLS with
    the system's CAs), a path to a CA PEM file, or the PEM bytes. Use as a context manager or call close().
    """

    def __init__(self, addr: str, token: Optional[str] = None, tls: Union[bool, str, Path, bytes] = False,
                 max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES):
        options = [("grpc.max_receive_message_length", max_message_bytes),
                   ("grpc.max_send_message_length", max_message_bytes)]
        if tls is False or tls is None:
            self._channel = grpc.insecure_channel(addr, options=options)
        else:
            self._channel = grpc.secure_channel(addr, _credentials(tls), options=options)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        self._stub = pb_grpc.ExplainServiceStub(self._channel)

    def explain(self, image: Image, *, timeout: Optional[float] = None, **options) -> Explanation:
        """One frame over the unary Explain call. Raises ScoreCamError when the frame is answered ERROR.

        options: model, classes, top_k, method, convention, max_channels, map_size, metrics, metric_steps,
        pixel_format ("RGB" or "BGR" for 3-channel numpy images).
        """
        request = _request(image, 0, options)
        try:
            response = self._stub.Explain(request, timeout=timeout, metadata=self._metadata)
        except grpc.RpcError as e:
            raise _error(e) from None
        result = _explanation(response)
        if result.status == "ERROR":
            raise ScoreCamError(result.error_code or "UNKNOWN", result.error_message)
        return result

    def stream(self, frames: Iterable[Image], *, policy: Optional[str] = None, timeout: Optional[float] = None,
               **options) -> Iterator[Explanation]:
        """Frames over one ExplainStream, as a video: yields one Explanation per frame, in order.

        Frame ids are 1, 2, ...; a frame the server cannot explain comes back with status ERROR (not raised),
        one dropped under policy="LATEST" with status SKIPPED. Raises ScoreCamError if the call itself fails.
        """
        def requests():
            for i, image in enumerate(frames, start=1):
                r = _request(image, i, options)
                if i == 1 and policy:
                    r.policy = pb.OverloadPolicy.Value(policy.upper())
                yield r

        call = self._stub.ExplainStream(requests(), timeout=timeout, metadata=self._metadata)
        try:
            for response in call:
                yield _explanation(response)
        except grpc.RpcError as e:
            raise _error(e) from None
        finally:
            call.cancel()  # a consumer that stops early ends the call; after the end this does nothing

    def list_models(self):
        """The server's models (ModelInfo messages: name, input size, classes, methods, ...)."""
        try:
            return list(self._stub.ListModels(pb.ListModelsRequest(), metadata=self._metadata).models)
        except grpc.RpcError as e:
            raise _error(e) from None

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "ScoreCamClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _credentials(tls) -> grpc.ChannelCredentials:
    if tls is True:
        return grpc.ssl_channel_credentials()
    if isinstance(tls, (bytes, bytearray)):
        return grpc.ssl_channel_credentials(root_certificates=bytes(tls))
    path = Path(tls)
    if not path.is_file():
        raise ValueError(f"tls: CA file {path} not found")
    return grpc.ssl_channel_credentials(root_certificates=path.read_bytes())


def _enum(enum_type, name, what: str) -> int:
    try:
        return enum_type.Value(str(name).upper())
    except ValueError:
        raise ValueError(f"{what} must be one of {[n for n in enum_type.keys() if not n.endswith('UNSPECIFIED')]},"
                         f" got {name!r}") from None


def _request(image: Image, frame_id: int, options: dict) -> pb.ExplainRequest:
    options = dict(options)
    r = pb.ExplainRequest(frame_id=frame_id, want_values=True)
    pixel_format = options.pop("pixel_format", "RGB")
    _set_image(r, image, pixel_format)
    r.model = options.pop("model", "") or ""
    classes: Optional[Sequence[int]] = options.pop("classes", None)
    if classes:
        r.target_classes.extend(int(c) for c in classes)
    r.top_k = int(options.pop("top_k", 1))
    for key, enum_type in (("method", pb.Method), ("convention", pb.Convention), ("map_size", pb.MapSize)):
        value = options.pop(key, None)
        if value is not None:
            setattr(r, key, _enum(enum_type, value, key))
    r.max_channels = int(options.pop("max_channels", 0))
    r.want_metrics = bool(options.pop("metrics", False))
    r.metric_steps = int(options.pop("metric_steps", 0))
    if options:
        raise TypeError(f"unknown option(s): {', '.join(sorted(options))}")
    return r


def _set_image(r: pb.ExplainRequest, image: Image, pixel_format: str) -> None:
    if isinstance(image, (bytes, bytearray, memoryview)):
        r.encoded = bytes(image)
    elif isinstance(image, (str, Path)):
        r.encoded = Path(image).read_bytes()
    elif isinstance(image, np.ndarray):
        if image.dtype != np.uint8:
            raise TypeError(f"numpy images must be uint8 (0..255), got {image.dtype}")
        if image.ndim == 2:
            fmt = pb.GRAY8
        elif image.ndim == 3 and image.shape[2] == 3:
            fmt = _enum(pb.PixelFormat, pixel_format.upper() + "8", "pixel_format")
        else:
            raise TypeError(f"numpy images must be (height, width) or (height, width, 3), got {image.shape}")
        r.raw.width, r.raw.height, r.raw.format = image.shape[1], image.shape[0], fmt
        r.raw.pixels = np.ascontiguousarray(image).tobytes()
    else:
        raise TypeError(f"an image is PNG/JPEG bytes, a file path or a uint8 numpy array, got {type(image).__name__}")


def _explanation(r: pb.ExplainResponse) -> Explanation:
    probability = {p.class_id: p.probability for p in r.predictions}
    maps = []
    for m in r.maps:
        values = np.asarray(m.values, dtype=np.float32)
        if values.size != m.width * m.height:
            raise ScoreCamError("INTERNAL", f"map of class {m.class_id} has {values.size} values for "
                                            f"{m.width}x{m.height}")
        faithfulness = None
        if m.HasField("faithfulness"):
            f = m.faithfulness
            faithfulness = {"original_score": f.original_score, "explanation_score": f.explanation_score,
                            "drop": f.drop, "increase": f.increase, "deletion_auc": f.deletion_auc,
                            "insertion_auc": f.insertion_auc, "deletion_curve": np.asarray(f.deletion_curve),
                            "insertion_curve": np.asarray(f.insertion_curve)}
        maps.append(SaliencyMap(m.class_id, m.label, probability.get(m.class_id, float("nan")),
                                values.reshape(m.height, m.width), m.raw_max, m.class_agnostic, faithfulness))
    return Explanation(frame_id=r.frame_id, status=pb.FrameStatus.Name(r.status), error_code=r.error_code,
                       error_message=r.error_message,
                       predictions=[ClassScore(p.class_id, p.label, p.probability) for p in r.predictions],
                       maps=maps, forward_passes=r.forward_passes, queue_ms=r.queue_ms,
                       compute_ms=r.compute_ms, total_ms=r.total_ms)


def _error(e: grpc.RpcError) -> ScoreCamError:
    code = e.code().name if hasattr(e, "code") and e.code() else "UNKNOWN"
    details = e.details() if hasattr(e, "details") else str(e)
    return ScoreCamError(code, details or code)
