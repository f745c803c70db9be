package io.scorecam.cli.output;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.cli.errors.CliException;
import io.scorecam.cli.source.Frame;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.image.ImageDecoder;
import io.scorecam.server.image.MapImages;
import io.scorecam.server.image.RgbImage;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * --out-video FILE: every answered frame's first overlay (the original frame where the answer has no map:
 * SKIPPED or ERROR), encoded by FFmpeg at the source's frame rate; with --side-by-side the original frame on
 * the left. One picture per sent frame, in order. Written to FILE.part and moved into place by {@link #finish}:
 * a failed replay leaves no half-written video.
 */
public final class VideoOut implements AutoCloseable {
    private static final long MAX_PIXELS = 100_000_000L;

    private final Path target;
    private final Path partial;
    private final double fps;
    private final boolean sideBySide;
    private final boolean legend;
    private final ImageDecoder decoder = new ImageDecoder(MAX_PIXELS);
    private FFmpegFrameRecorder recorder;
    private int width;
    private int height;
    private long frames;
    private boolean finished;

    public VideoOut(Path target, double fps, boolean sideBySide, boolean legend) {
        String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".mp4") || name.endsWith(".mkv") || name.endsWith(".webm") || name.endsWith(".avi"))) {
            throw new CliException("--out-video " + target + ": the name must end in .mp4, .mkv, .webm or .avi",
                    CliException.USAGE);
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CliException("--out-video " + target + ": folder " + dir + " does not exist", CliException.USAGE);
        }
        this.target = target;
        this.partial = target.resolveSibling(target.getFileName() + ".part");
        this.fps = fps > 0 ? fps : 10;
        this.sideBySide = sideBySide;
        this.legend = legend;
    }

    public double fps() {
        return fps;
    }

    /** Adds the picture of one answered frame (answers arrive in frame order on one stream). */
    public synchronized void write(Frame frame, ExplainResponse response) {
        if (finished) {
            return;
        }
        RgbImage original = frame.pixels() != null ? frame.pixels() : decode(frame.bytes());
        if (original == null) {
            return;
        }
        RgbImage picture = original;
        SaliencyMap map = response.getStatus() == FrameStatus.OK && response.getMapsCount() > 0 ? response.getMaps(0) : null;
        float[] values = map == null ? new float[0] : FrameOutput.values(map);
        if (values.length > 0) {
            picture = MapImages.overlayRgb(original, values, map.getWidth(), map.getHeight());
        }
        if (legend) {
            picture = Legend.beside(picture);
        }
        if (sideBySide) {
            picture = Pictures.sideBySide(legend ? Pictures.padRight(original, picture.width() - original.width())
                    : original, picture);
        }
        encode(picture);
    }

    private void encode(RgbImage picture) {
        try {
            if (recorder == null) {
                start(picture.width() & ~1, picture.height() & ~1); // 4:2:0 needs even sizes
            }
            RgbImage fitted = Pictures.fit(picture, width, height);
            recorder.recordImage(width, height, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3, width * 3,
                    avutil.AV_PIX_FMT_RGB24, ByteBuffer.wrap(fitted.rgb()));
            frames++;
        } catch (FrameRecorder.Exception | RuntimeException e) {
            throw new java.io.UncheckedIOException(new IOException("cannot encode --out-video " + target + ": "
                    + e.getMessage(), e));
        }
    }

    private void start(int w, int h) throws FrameRecorder.Exception {
        width = Math.max(2, w);
        height = Math.max(2, h);
        String name = target.getFileName().toString().toLowerCase(Locale.ROOT);
        FFmpegFrameRecorder r = new FFmpegFrameRecorder(partial.toString(), width, height, 0);
        if (name.endsWith(".webm")) {
            r.setFormat("webm");
            r.setVideoCodec(avcodec.AV_CODEC_ID_VP8);
            r.setVideoOption("deadline", "realtime");
            r.setVideoBitrate(4_000_000);
        } else if (name.endsWith(".avi")) {
            r.setFormat("avi");
            r.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
            r.setVideoQuality(3);
        } else {
            r.setFormat(name.endsWith(".mkv") ? "matroska" : "mp4");
            r.setVideoCodecName("libopenh264"); // the H.264 encoder FFmpeg's LGPL build has
            r.setVideoBitrate(Math.max(1_000_000, width * height * 4));
        }
        if (r.getPixelFormat() < 0) {
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
        }
        r.setFrameRate(fps);
        r.setGopSize((int) Math.max(1, Math.round(fps * 2)));
        r.start();
        recorder = r;
    }

    private RgbImage decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (ScoreCamException e) {
            return null;
        }
    }

    /** Closes the video and moves it into place; returns the number of frames written. */
    public synchronized long finish() {
        finished = true;
        if (recorder == null) {
            throw new CliException("--out-video " + target + ": no frame was answered, no video written");
        }
        try {
            recorder.stop();
            recorder.release();
            recorder = null;
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot finish --out-video " + target + ": " + e.getMessage());
        }
        return frames;
    }

    /** Without {@link #finish}: drops the partial file (the replay failed). */
    @Override
    public synchronized void close() {
        finished = true;
        if (recorder != null) {
            try {
                recorder.release();
            } catch (FrameRecorder.Exception ignored) {
                // removing it below is all that matters
            }
            recorder = null;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // nothing better to do on a failure path
        }
    }
}
