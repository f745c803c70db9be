"""Python client for ScoreCAM Server.

    from scorecam_client import ScoreCamClient
    with ScoreCamClient("localhost:50051") as client:
        result = client.explain("frame.png", top_k=2)
        heat = result.maps[0].values          # numpy float32, shape (height, width), in [0, 1]
        for r in client.stream(frames):       # frames: paths, bytes or numpy images; one result per frame
            ...
"""
from .client import ClassScore, Explanation, SaliencyMap, ScoreCamClient, ScoreCamError

__all__ = ["ScoreCamClient", "Explanation", "SaliencyMap", "ClassScore", "ScoreCamError"]
