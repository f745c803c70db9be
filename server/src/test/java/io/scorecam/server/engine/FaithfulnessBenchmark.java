package io.scorecam.server.engine;

import io.scorecam.server.batching.CancellationToken;
import io.scorecam.api.v1.Method;
import io.scorecam.server.engine.api.Convention;
import io.scorecam.server.engine.api.EngineOptions;
import io.scorecam.server.engine.api.FrameRequest;
import io.scorecam.server.engine.api.FrameResult;
import io.scorecam.server.engine.api.MapSize;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.inference.BackendOptions;
import io.scorecam.server.inference.DeviceSpec;
import io.scorecam.server.inference.ort.DjlOrtBackend;
import io.scorecam.server.model.ModelConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Not a test: prints what the faithfulness metrics cost per explained class (forward passes and ms), one
 * frame at a time. Each frame is explained first without metrics (FASTER_SCORE_CAM, 64 channels), then again
 * with them: the second request hits the cached features and scores, so its passes and time are the
 * metrics' alone. The first request's passes per second are printed too: on a shared machine the ratio of
 * the two rates means more than either.
 * Usage: FaithfulnessBenchmark MODEL_DIR FRAMES_DIR [steps] [max frames] [batch size, 0 = tuned].
 */
public final class FaithfulnessBenchmark {

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args[0]);
        Path framesDir = Path.of(args[1]);
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int maxFrames = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        List<Path> files;
        try (Stream<Path> s = Files.list(framesDir)) {
            files = s.filter(p -> p.toString().matches("(?i).*\\.(png|jpe?g)$")).sorted().limit(maxFrames).toList();
        }
        ImageDecoder decoder = new ImageDecoder(50_000_000L);
        EngineOptions options = EngineOptions.defaults().withBatchSize(batch);
        try (DjlOrtBackend backend = new DjlOrtBackend(BackendOptions.forWorkers(DeviceSpec.CPU, options.workers()));
             ScoreCamEngine engine = ScoreCamEngine.load(List.of(ModelConfig.load(modelDir)), backend, options,
                     new SimpleMeterRegistry())) {
            String model = engine.models().get(0).name();
            System.out.printf(Locale.ROOT, "%s: batch size %d, %d steps, %d frames%n", model,
                    engine.batchSize(model), steps, files.size());
            long passes = 0;
            double ms = 0;
            int classes = 0;
            long camPasses = 0;
            double camMs = 0;
            for (int round = 0; round < 2; round++) { // round 0 warms up on different (brightened) frames
                passes = 0;
                ms = 0;
                classes = 0;
                camPasses = 0;
                camMs = 0;
                for (Path file : files) {
                    RgbImage image = decoder.decode(Files.readAllBytes(file));
                    if (round == 0) {
                        image = brighter(image);
                    }
                    long start = System.nanoTime();
                    camPasses += engine.explain(request(image, false, steps)).get(5, TimeUnit.MINUTES).forwardPasses();
                    camMs += (System.nanoTime() - start) / 1e6;
                    start = System.nanoTime();
                    FrameResult r = engine.explain(request(image, true, steps)).get(5, TimeUnit.MINUTES);
                    ms += (System.nanoTime() - start) / 1e6;
                    passes += r.forwardPasses();
                    classes += r.maps().size();
                }
            }
            System.out.printf(Locale.ROOT, "%s: metrics per class %.1f passes, %.1f ms (%.0f images/s)%n",
                    model, passes / (double) classes, ms / classes, passes / (ms / 1000));
            System.out.printf(Locale.ROOT, "%s: the map itself (FASTER_SCORE_CAM, 64 channels) %.1f passes per frame,"
                    + " %.0f images/s%n", model, camPasses / (double) files.size(), camPasses / (camMs / 1000));
        }
    }

    /** The frame one step brighter: another content hash, so the measured round misses the cache. */
    private static RgbImage brighter(RgbImage image) {
        byte[] rgb = image.rgb().clone();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (byte) Math.min(255, (rgb[i] & 0xff) + 1);
        }
        return new RgbImage(image.width(), image.height(), rgb);
    }

    private static FrameRequest request(RgbImage image, boolean metrics, int steps) {
        return new FrameRequest("", image, List.of(), 1, Method.FASTER_SCORE_CAM, Convention.SEED, 64,
                MapSize.MODEL_INPUT, new CancellationToken(), metrics, steps);
    }
}
