package io.scorecam.cli;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Videos made inside the tests from the bundled frames, with the same FFmpeg the CLI decodes with. */
final class TestVideos {
    enum Codec {
        MP4_H264("mp4", "mp4"), AVI_MJPEG("avi", "avi"), AVI_XVID("avi", "avi"), MKV_H264("matroska", "mkv"),
        WEBM_VP8("webm", "webm");

        final String format;
        final String extension;

        Codec(String format, String extension) {
            this.format = format;
            this.extension = extension;
        }
    }

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR); // the encoders' chatter is not test output
    }

    private TestVideos() {
    }

    /** The images as RGB pictures of one size (the first image's, made even), in order. */
    static List<BufferedImage> pictures(List<Path> images, int width, int height) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        for (Path p : images) {
            BufferedImage src = ImageIO.read(p.toFile());
            BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = rgb.createGraphics();
            g.drawImage(src, 0, 0, width, height, null);
            g.dispose();
            out.add(rgb);
        }
        return out;
    }

    static Path write(Path file, List<BufferedImage> pictures, double fps, Codec codec) throws IOException {
        int w = pictures.get(0).getWidth();
        int h = pictures.get(0).getHeight();
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), w, h, 0)) {
            r.setFormat(codec.format);
            r.setFrameRate(fps);
            r.setGopSize(5);
            switch (codec) {
                case MP4_H264, MKV_H264 -> {
                    r.setVideoCodecName("libopenh264");
                    r.setVideoBitrate(4_000_000);
                    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                }
                case AVI_MJPEG -> {
                    r.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
                    r.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
                    r.setVideoQuality(2);
                }
                case AVI_XVID -> { // MPEG-4 Part 2 tagged XVID, what XviD files are
                    r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                    r.setVideoOption("vtag", "XVID");
                    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                    r.setVideoQuality(2);
                }
                case WEBM_VP8 -> {
                    r.setVideoCodec(avcodec.AV_CODEC_ID_VP8);
                    r.setVideoBitrate(4_000_000);
                    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                }
            }
            r.start();
            for (BufferedImage p : pictures) {
                byte[] bgr = ((DataBufferByte) p.getRaster().getDataBuffer()).getData();
                r.recordImage(w, h, Frame.DEPTH_UBYTE, 3, w * 3, avutil.AV_PIX_FMT_BGR24, ByteBuffer.wrap(bgr));
            }
            r.stop();
        }
        return file;
    }

    /** Frames and frame rate of a video, decoded again: what "playable with N frames" means. */
    record Probe(int frames, double fps, int width, int height) {
    }

    static Probe probe(Path file) throws IOException {
        try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toString())) {
            g.start();
            int n = 0;
            while (g.grabImage() != null) {
                n++;
            }
            Probe p = new Probe(n, g.getVideoFrameRate(), g.getImageWidth(), g.getImageHeight());
            g.stop();
            return p;
        }
    }

    /** Mean absolute difference per byte of two same-size RGB/BGR buffers (order given). */
    static double meanAbsDiff(byte[] rgb, BufferedImage bgrImage) {
        byte[] bgr = ((DataBufferByte) bgrImage.getRaster().getDataBuffer()).getData();
        long sum = 0;
        for (int i = 0; i < rgb.length; i += 3) {
            sum += Math.abs((rgb[i] & 0xFF) - (bgr[i + 2] & 0xFF));
            sum += Math.abs((rgb[i + 1] & 0xFF) - (bgr[i + 1] & 0xFF));
            sum += Math.abs((rgb[i + 2] & 0xFF) - (bgr[i] & 0xFF));
        }
        return (double) sum / rgb.length;
    }
}
