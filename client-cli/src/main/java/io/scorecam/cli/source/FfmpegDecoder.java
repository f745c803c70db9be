package io.scorecam.cli.source;

import io.scorecam.cli.errors.CliException;
import io.scorecam.server.image.RgbImage;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * FFmpeg (through JavaCV, in-process) decoding one source into RGB8 frames. Every failure becomes a
 * {@link CliException} of one line naming the source and FFmpeg's reason ("Invalid data found when processing
 * input", "Connection refused", ...), never a stack trace or FFmpeg's own console output.
 */
final class FfmpegDecoder implements AutoCloseable {
    private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-?\\d+)");

    static {
        // FFmpeg prints stream dumps and warnings to stderr; the CLI reports problems itself, in one line
        avutil.av_log_set_level(avutil.AV_LOG_QUIET);
    }

    /** A decoded picture, its time and its frame number in the source. */
    record Picture(RgbImage image, double ptsSeconds, long decodedIndex) {
    }

    private final SourceSpec spec;
    private final FFmpegFrameGrabber grabber;
    private final double frameRate;
    private long decoded;
    private boolean closed;

    private FfmpegDecoder(SourceSpec spec, FFmpegFrameGrabber grabber) {
        this.spec = spec;
        this.grabber = grabber;
        double rate = grabber.getVideoFrameRate() > 0 ? grabber.getVideoFrameRate() : grabber.getFrameRate();
        this.frameRate = Double.isFinite(rate) && rate > 0 && rate < 1000 ? rate : 0;
    }

    /**
     * Opens {@code spec} and seeks to {@code startSeconds} (files only).
     *
     * @param openTimeoutMillis how long a camera or network stream may take to answer
     */
    static FfmpegDecoder open(SourceSpec spec, double startSeconds, long openTimeoutMillis) {
        if (spec.kind() == SourceSpec.Kind.CAMERA || spec.kind() == SourceSpec.Kind.LAVFI) {
            FfmpegDevices.missing().ifPresent(why -> {
                throw new CliException(spec.describe() + ": cannot open it: " + why);
            });
        }
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(spec.location());
        String micros = Long.toString(TimeUnit.MILLISECONDS.toMicros(openTimeoutMillis));
        switch (spec.kind()) {
            case CAMERA -> g.setFormat("video4linux2");
            case LAVFI -> g.setFormat("lavfi");
            case NETWORK -> {
                if (spec.location().regionMatches(true, 0, "rtsp", 0, 4)) {
                    g.setOption("rtsp_transport", "tcp");
                    g.setOption("timeout", micros); // RTSP: socket I/O timeout
                } else {
                    g.setOption("rw_timeout", micros);
                }
                g.setOption("stimeout", micros); // older FFmpeg's name; ignored where unknown
            }
            default -> { }
        }
        g.setPixelFormat(avutil.AV_PIX_FMT_RGB24);
        g.setImageMode(FrameGrabber.ImageMode.COLOR);
        try {
            g.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            release(g);
            throw new CliException(spec.describe() + ": cannot open it: " + reason(e));
        }
        if (!g.hasVideo() || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
            release(g);
            throw new CliException(spec.describe() + ": no video stream in it");
        }
        FfmpegDecoder d = new FfmpegDecoder(spec, g);
        if (startSeconds > 0) {
            try {
                g.setTimestamp((long) (startSeconds * 1e6));
            } catch (FrameGrabber.Exception | RuntimeException e) {
                d.close();
                throw new CliException(spec.describe() + ": cannot seek to " + startSeconds + " s: " + reason(e));
            }
        }
        return d;
    }

    /** The next picture, or null at the end of the source (or once closed). Synchronized with close(). */
    synchronized Picture next() {
        if (closed) {
            return null;
        }
        Frame f;
        try {
            f = grabber.grabImage();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            throw new CliException(spec.describe() + ": decoding stopped after " + decoded + " frame(s): " + reason(e));
        }
        if (f == null || f.image == null) {
            return null;
        }
        RgbImage image = copy(f);
        double pts = f.timestamp / 1e6;
        // a file's frames are numbered by their time (so --start keeps the video's numbering); a live source's
        // clock starts anywhere, so its frames are counted
        long number = spec.live() || frameRate == 0 ? decoded : Math.round(pts * frameRate);
        decoded++;
        return new Picture(image, pts, number);
    }

    double frameRate() {
        return frameRate;
    }

    int width() {
        return grabber.getImageWidth();
    }

    int height() {
        return grabber.getImageHeight();
    }

    /** JavaCV reuses its frame buffer, and rows may be padded: copy the tight RGB rows out. */
    private static RgbImage copy(Frame f) {
        int w = f.imageWidth;
        int h = f.imageHeight;
        int row = w * 3;
        ByteBuffer src = ((ByteBuffer) f.image[0]).duplicate();
        byte[] rgb = new byte[row * h];
        int stride = f.imageStride > 0 ? f.imageStride : row;
        for (int y = 0; y < h; y++) {
            src.position(y * stride);
            src.get(rgb, y * row, row);
        }
        return new RgbImage(w, h, rgb);
    }

    /** FFmpeg's own words for its error code, e.g. "No such file or directory". */
    static String reason(Throwable e) {
        String m = String.valueOf(e.getMessage());
        Matcher matcher = FFMPEG_ERROR.matcher(m);
        if (matcher.find()) {
            int code = Integer.parseInt(matcher.group(1));
            byte[] buf = new byte[256];
            if (avutil.av_strerror(code, buf, buf.length) == 0) {
                int n = 0;
                while (n < buf.length && buf[n] != 0) {
                    n++;
                }
                return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            release(grabber);
        }
    }

    private static void release(FFmpegFrameGrabber g) {
        try {
            g.release();
        } catch (Exception ignored) {
            // closing a half-open source: nothing more to report than the error already given
        }
    }

    static {
        // keep the FFmpegLogCallback class reachable for debugging: FFmpegLogCallback.set() shows FFmpeg's logs
        if (Boolean.getBoolean("scorecam.ffmpeg.log")) {
            avutil.av_log_set_level(avutil.AV_LOG_INFO);
            FFmpegLogCallback.set();
        }
    }
}
