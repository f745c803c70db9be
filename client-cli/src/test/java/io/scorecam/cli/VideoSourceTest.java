package io.scorecam.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.cli.source.Frame;
import io.scorecam.cli.source.FrameEncoding;
import io.scorecam.cli.source.FrameStream;
import io.scorecam.cli.source.Selection;
import io.scorecam.cli.source.SourceSpec;
import io.scorecam.cli.source.VideoFeed;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Video files as replay sources: made here from the bundled frames in every container/codec the CLI promises,
 * decoded back in order, replayed against the in-process server with --realtime pacing, and encoded back
 * with --out-video.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES) // a hang guard for CI, not a timing assertion
class VideoSourceTest {
    static final int FRAMES = 12;
    static final double FPS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<BufferedImage> pictures;
    private static String server;

    @BeforeAll
    static void setUp() throws IOException {
        server = TestModels.server().address();
        List<Path> images = TestModels.imagesOf(TestModels.frames());
        // consecutive frames of the bundled video differ little: every 4th keeps neighbours apart for the order check
        List<Path> spread = new ArrayList<>();
        for (int i = 0; i < images.size() && spread.size() < FRAMES; i += 4) {
            spread.add(images.get(i));
        }
        assertEquals(FRAMES, spread.size(), "the bundled video has too few frames for this test");
        pictures = TestVideos.pictures(spread, 160, 128);
    }

    static Path video(Path dir, TestVideos.Codec codec) throws IOException {
        return TestVideos.write(dir.resolve("clip." + codec.extension), pictures, FPS, codec);
    }

    @ParameterizedTest
    @EnumSource(TestVideos.Codec.class)
    void everyFrameOfEveryContainerComesBackInOrder(TestVideos.Codec codec, @TempDir Path tmp) throws Exception {
        Path file = video(tmp, codec);
        VideoFeed feed = new VideoFeed(SourceSpec.parse(file.toString()), Selection.ALL, FrameEncoding.RAW, 5_000);
        feed.check();
        assertEquals(FPS, feed.frameRate(), 0.01, "frame rate of " + codec);
        List<Frame> got = new ArrayList<>();
        try (FrameStream s = feed.open()) {
            Frame f;
            while ((f = s.next()) != null) {
                got.add(f);
            }
        }
        assertEquals(FRAMES, got.size(), "frames decoded from " + codec);
        for (int i = 0; i < got.size(); i++) {
            Frame f = got.get(i);
            assertEquals(i, nearest(f.pixels().rgb()), codec + ": decoded frame " + i + " looks most like another frame");
            assertEquals(i / FPS, f.ptsSeconds(), 0.02, codec + ": timestamp of frame " + i);
            assertEquals(String.format("frame_%06d", i), f.stem());
            assertEquals(160 * 128 * 3, f.raw().getPixels().size(), "RAW frames carry the decoder's pixels");
        }
    }

    @Test
    void startDurationAndEverySelectFramesByVideoTime(@TempDir Path tmp) throws Exception {
        Path file = video(tmp, TestVideos.Codec.MKV_H264);
        // from 0.3 s for 0.6 s: frames 3..8; every 2nd of those: 3, 5, 7 (named by their number in the video)
        VideoFeed feed = new VideoFeed(SourceSpec.parse(file.toString()), new Selection(0.3, 0.6, 2, 0),
                FrameEncoding.JPEG, 5_000);
        List<String> stems = new ArrayList<>();
        try (FrameStream s = feed.open()) {
            Frame f;
            while ((f = s.next()) != null) {
                stems.add(f.stem());
                assertTrue(f.encoded() != null && f.raw() == null, "JPEG frames are sent encoded");
            }
        }
        assertEquals(List.of("frame_000003", "frame_000005", "frame_000007"), stems);
    }

    @Test
    void replaysAVideoAtItsOwnRateWithLabelAndMethodInTheNames(@TempDir Path tmp) throws Exception {
        Path file = video(tmp, TestVideos.Codec.MP4_H264);
        Path out = tmp.resolve("out");
        long t0 = System.nanoTime();
        Cli cli = Cli.run(TestModels.fast("replay", file.toString(), "--server", server, "--realtime",
                "--out", out.toString(), "--no-progress", "--idle-timeout", "120"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, cli.exitCode(), cli::toString);
        // the last frame is due (FRAMES - 1) / FPS after the first: a replay at the video's rate cannot be quicker
        assertTrue(seconds >= (FRAMES - 1) / FPS, "--realtime replay took only " + seconds + " s");
        List<JsonNode> lines = results(out);
        assertEquals(FRAMES, lines.size(), cli::toString);
        for (int i = 0; i < FRAMES; i++) {
            JsonNode line = lines.get(i);
            assertEquals("OK", line.get("status").asText(), line::toString);
            assertEquals(i / FPS, line.get("pts").asDouble(), 0.02, "frames are sent in video order");
            JsonNode c = line.get("classes").get(0);
            String overlay = c.get("overlay").asText();
            String label = c.get("label").asText();
            assertEquals(String.format("frame_%06d.%s.FASTER_SCORE_CAM.jpg", i, label.isEmpty()
                    ? "class-" + c.get("class_id").asInt() : label.replaceAll("[^A-Za-z0-9_-]+", "_")), overlay);
            assertTrue(Files.size(out.resolve(overlay)) > 0);
        }
    }

    @Test
    void outVideoHasOnePictureperFrameAtTheSourceRateAndSideBySideDoublesTheWidth(@TempDir Path tmp) throws Exception {
        Path file = video(tmp, TestVideos.Codec.AVI_MJPEG);
        Path mp4 = tmp.resolve("overlays.mp4");
        Cli cli = Cli.run(TestModels.fast("replay", file.toString(), "--server", server, "--out-video", mp4.toString(),
                "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);
        TestVideos.Probe p = TestVideos.probe(mp4);
        assertEquals(FRAMES, p.frames(), "pictures in " + mp4);
        assertEquals(FPS, p.fps(), 0.01);
        assertEquals(160, p.width());
        assertFalse(Files.exists(tmp.resolve("overlays.mp4.part")));

        Path sbs = tmp.resolve("side.webm");
        cli = Cli.run(TestModels.fast("replay", file.toString(), "--server", server, "--out-video", sbs.toString(),
                "--side-by-side", "--every", "3", "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);
        p = TestVideos.probe(sbs);
        assertEquals(FRAMES / 3, p.frames());
        assertEquals(2 * 160, p.width());
        assertEquals(FPS / 3, p.fps(), 0.05, "--every 3 divides the rate");
    }

    @Test
    void legendWidensTheOverlayByAColourBar(@TempDir Path tmp) throws Exception {
        Path file = video(tmp, TestVideos.Codec.AVI_MJPEG);
        Path out = tmp.resolve("out");
        Cli cli = Cli.run(TestModels.fast("replay", file.toString(), "--server", server, "--legend", "--limit", "2",
                "--out", out.toString(), "--no-progress", "--idle-timeout", "120"));
        assertEquals(0, cli.exitCode(), cli::toString);
        List<JsonNode> lines = results(out);
        assertEquals(2, lines.size());
        BufferedImage overlay = javax.imageio.ImageIO.read(
                out.resolve(lines.get(0).get("classes").get(0).get("overlay").asText()).toFile());
        assertTrue(overlay.getWidth() > 160, "legend strip beside the 160 px frame, got " + overlay.getWidth());
        assertEquals(128, overlay.getHeight());
        // top of the bar is JET's red end, bottom its blue end
        int x = 160 + Math.max(28, 128 / 5) / 6 + 2;
        int top = overlay.getRGB(x, 12);
        int bottom = overlay.getRGB(x, 128 - 12);
        assertTrue(((top >> 16) & 0xFF) > (top & 0xFF), "red at the top");
        assertTrue((bottom & 0xFF) > ((bottom >> 16) & 0xFF), "blue at the bottom");
    }

    /** Index of the test picture closest to an RGB frame. */
    static int nearest(byte[] rgb) {
        int best = -1;
        double bestDiff = Double.MAX_VALUE;
        for (int i = 0; i < pictures.size(); i++) {
            double d = TestVideos.meanAbsDiff(rgb, pictures.get(i));
            if (d < bestDiff) {
                bestDiff = d;
                best = i;
            }
        }
        return best;
    }

    static List<JsonNode> results(Path out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("results.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }
}
