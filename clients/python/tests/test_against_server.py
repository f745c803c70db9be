"""ScoreCamClient against a real server. The project's PythonClientPackageTest builds the package, starts the
servers and runs this with:
  SCORECAM_TEST_SERVER      host:port of a plaintext server without a token
  SCORECAM_TEST_TLS_SERVER  host:port of a TLS server that needs SCORECAM_TEST_TOKEN (CA: SCORECAM_TEST_CA)
  SCORECAM_TEST_FRAMES      a folder of PNG/JPEG frames
  SCORECAM_TEST_REPORT      where to write what explain() returned, for the Java side to compare
"""
import json
import os
import unittest
from pathlib import Path

import numpy as np

from scorecam_client import Explanation, ScoreCamClient, ScoreCamError

FAST = {"method": "FASTER_SCORE_CAM", "max_channels": 8}


def env(name):
    value = os.environ.get(name)
    if not value:
        raise unittest.SkipTest(f"{name} is not set (run through PythonClientPackageTest)")
    return value


class AgainstServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = ScoreCamClient(env("SCORECAM_TEST_SERVER"))
        folder = Path(env("SCORECAM_TEST_FRAMES"))
        cls.frames = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))[:4]
        cls.model = cls.client.list_models()[0]
        for m in cls.client.list_models():
            if m.is_default:
                cls.model = m

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def check_map(self, m, height, width):
        self.assertEqual(np.float32, m.values.dtype)
        self.assertEqual((height, width), m.values.shape)
        self.assertGreaterEqual(float(m.values.min()), 0.0)
        self.assertLessEqual(float(m.values.max()), 1.0 + 1e-6)
        if m.raw_max > 0:
            self.assertAlmostEqual(1.0, float(m.values.max()), places=5)  # SEED: ReLU(sum) / max

    def test_explain_returns_numpy_maps_of_the_model_input_size(self):
        r = self.client.explain(self.frames[0], top_k=2, **FAST)
        self.assertIsInstance(r, Explanation)
        self.assertTrue(r.ok, r)
        self.assertEqual(2, len(r.maps))
        self.assertEqual([p.class_id for p in r.predictions[:2]], [m.class_id for m in r.maps])
        for m in r.maps:
            self.check_map(m, self.model.input_height, self.model.input_width)
        self.assertGreater(r.total_ms, 0)

    def test_map_size_and_classes_are_passed_through(self):
        wanted = self.model.num_classes - 1
        r = self.client.explain(self.frames[0].read_bytes(), classes=[wanted], map_size="LAYER", **FAST)
        self.assertEqual([wanted], [m.class_id for m in r.maps])
        self.assertLess(r.maps[0].width, self.model.input_width)

    def test_numpy_images_rgb_bgr_and_gray(self):
        rng = np.random.default_rng(7)
        rgb = rng.integers(0, 256, size=(48, 64, 3), dtype=np.uint8)
        a = self.client.explain(rgb, **FAST)
        b = self.client.explain(np.ascontiguousarray(rgb[..., ::-1]), pixel_format="BGR", **FAST)
        self.assertTrue(np.array_equal(a.maps[0].values, b.maps[0].values), "BGR of the same pixels, same map")
        gray = self.client.explain(rgb[..., 0], **FAST)
        self.check_map(gray.maps[0], self.model.input_height, self.model.input_width)
        with self.assertRaises(TypeError):
            self.client.explain(rgb.astype(np.float32))

    def test_stream_answers_every_frame_in_order_like_explain(self):
        results = list(self.client.stream(self.frames, top_k=1, **FAST))
        self.assertEqual(list(range(1, len(self.frames) + 1)), [r.frame_id for r in results])
        self.assertTrue(all(r.ok for r in results), results)
        unary = self.client.explain(self.frames[-1], top_k=1, **FAST)
        self.assertTrue(np.allclose(unary.maps[0].values, results[-1].maps[0].values, atol=1e-6))

    def test_a_bad_frame_is_answered_error_and_the_stream_goes_on(self):
        frames = [self.frames[0], b"this is not an image", self.frames[1]]
        results = list(self.client.stream(frames, **FAST))
        self.assertEqual(["OK", "ERROR", "OK"], [r.status for r in results])
        self.assertEqual("INVALID_ARGUMENT", results[1].error_code)
        self.assertTrue(results[1].error_message)
        with self.assertRaises(ScoreCamError) as e:
            self.client.explain(b"this is not an image")
        self.assertEqual("INVALID_ARGUMENT", e.exception.code)

    def test_bad_options_are_named(self):
        with self.assertRaises(ValueError) as e:
            self.client.explain(self.frames[0], method="SCORECAM")
        self.assertIn("method", str(e.exception))
        with self.assertRaises(TypeError) as e:
            self.client.explain(self.frames[0], topk=2)
        self.assertIn("topk", str(e.exception))

    def test_tls_and_token(self):
        addr, ca, token = env("SCORECAM_TEST_TLS_SERVER"), env("SCORECAM_TEST_CA"), env("SCORECAM_TEST_TOKEN")
        with ScoreCamClient(addr, token=token, tls=ca) as secure:
            self.assertTrue(secure.explain(self.frames[0], **FAST).ok)
            self.assertEqual(len(self.frames), len(list(secure.stream(self.frames, **FAST))))
        with ScoreCamClient(addr, tls=Path(ca)) as no_token:
            with self.assertRaises(ScoreCamError) as e:
                no_token.explain(self.frames[0], **FAST)
            self.assertEqual("UNAUTHENTICATED", e.exception.code)
        with ScoreCamClient(addr, token=token) as plaintext:
            with self.assertRaises(ScoreCamError) as e:
                plaintext.explain(self.frames[0], timeout=20, **FAST)
            self.assertEqual("UNAVAILABLE", e.exception.code)

    def test_report_for_the_java_side(self):
        report = []
        for path in self.frames:
            r = self.client.explain(path, top_k=2, **FAST)
            report.append({"file": path.name, "maps": [
                {"class_id": m.class_id, "width": m.width, "height": m.height, "sum": float(m.values.sum(dtype=np.float64)),
                 "argmax": int(m.values.argmax())} for m in r.maps]})
        Path(env("SCORECAM_TEST_REPORT")).write_text(json.dumps({"frames": report}))


if __name__ == "__main__":
    unittest.main()
