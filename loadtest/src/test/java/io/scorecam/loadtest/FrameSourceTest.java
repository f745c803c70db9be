package io.scorecam.loadtest;

import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.RawImage;
import io.scorecam.server.engine.cache.FrameHash;
import io.scorecam.server.image.Preprocessor;
import io.scorecam.server.image.RgbImage;
import io.scorecam.server.model.ModelConfig.ChannelOrder;
import io.scorecam.server.model.ModelConfig.InputSpec;
import io.scorecam.server.model.ModelConfig.ResizeMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unique frames must stay unique after the server's resize: its frame cache keys on the model's input. */
class FrameSourceTest {

    private static RawImage frame(FrameSource frames, long serial, long nonce) {
        ExplainRequest.Builder request = ExplainRequest.newBuilder();
        frames.fill(request, 0, serial, nonce);
        return request.getRaw();
    }

    private static FrameHash atModelInput(RawImage raw, Preprocessor model) {
        return FrameHash.of(model.toChw(new RgbImage(raw.getWidth(), raw.getHeight(), raw.getPixels().toByteArray())));
    }

    @ParameterizedTest(name = "{0}x{1} frames into a {2}x{3} {4} model")
    @CsvSource({
        "1280, 720, 224, 224, STRETCH",
        "1280, 720, 224, 224, CENTER_CROP",
        "720, 1280, 224, 224, CENTER_CROP",
        "1920, 1080, 32, 32, STRETCH",
        "640, 480, 96, 96, CENTER_CROP",
        "64, 48, 224, 224, STRETCH",
    })
    void everyStampedFrameReachesTheModelAsADistinctInput(int w, int h, int mw, int mh, ResizeMode resize) {
        Preprocessor model = new Preprocessor(new InputSpec("x", mw, mh, ChannelOrder.RGB, 255f,
                new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f}, resize));
        FrameSource frames = FrameSource.noise(w, h, 1, FrameSource.Encoding.RAW, true).forModelInput(mw, mh);
        Set<FrameHash> seen = new HashSet<>();
        for (long serial = 0; serial < 20; serial++) {
            seen.add(atModelInput(frame(frames, serial, 7), model));
        }
        assertEquals(20, seen.size(), "frames that differ only by their serial must differ at the model's input");
        assertTrue(seen.add(atModelInput(frame(frames, 0, 8), model)), "another run's nonce makes another frame");
    }
}
