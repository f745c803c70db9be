package io.scorecam.cli.source;

import io.scorecam.cli.errors.CliException;

/**
 * A video file, a camera, a pipe or a network stream, decoded by FFmpeg. A file is decoded as the sender asks
 * for frames (memory: one frame); a live source is read by its own thread that keeps only the newest frame.
 */
public final class VideoFeed implements FrameFeed {
    private final SourceSpec spec;
    private final Selection selection;
    private final FrameEncoding encoding;
    private final long openTimeoutMillis;

    public VideoFeed(SourceSpec spec, Selection selection, FrameEncoding encoding, long openTimeoutMillis) {
        if (spec.folder()) {
            throw new IllegalArgumentException("a folder is not a video");
        }
        if (spec.live() && selection.startSeconds() > 0) {
            throw new CliException("--start needs a video file; " + spec.describe() + " is live", CliException.USAGE);
        }
        this.spec = spec;
        this.selection = selection;
        this.encoding = encoding;
        this.openTimeoutMillis = openTimeoutMillis;
    }

    private FrameStream ready;
    private double frameRate;

    /**
     * Opens the source now, so that a bad source fails with its one-line error before anything is sent or
     * written; the next {@link #open} hands out this opened stream.
     */
    @Override
    public synchronized void check() {
        if (ready == null) {
            ready = openNew();
        }
    }

    @Override
    public synchronized FrameStream open() {
        FrameStream s = ready != null ? ready : openNew();
        ready = null;
        return s;
    }

    private FrameStream openNew() {
        FfmpegDecoder decoder = FfmpegDecoder.open(spec, selection.startSeconds(), openTimeoutMillis);
        FrameStream s = spec.live() ? new LiveStream(spec, decoder, selection, encoding) : new FileStream(decoder);
        frameRate = s.frameRate();
        return s;
    }

    @Override
    public synchronized double frameRate() {
        return frameRate;
    }

    @Override
    public long framesPerPass() {
        return -1;
    }

    @Override
    public boolean live() {
        return spec.live();
    }

    @Override
    public String describe() {
        return spec.describe();
    }

    /** Decodes on the caller's thread, only as fast as frames are sent. */
    private final class FileStream extends DecodedStream {
        private double firstPts = Double.NaN;
        private long selected;
        private int sent;

        FileStream(FfmpegDecoder decoder) {
            super(decoder, VideoFeed.this.selection, VideoFeed.this.encoding);
        }

        @Override
        public Frame next() {
            while (true) {
                FfmpegDecoder.Picture p = decoder.next();
                if (p == null) {
                    return null;
                }
                if (p.ptsSeconds() + 1e-6 < selection.startSeconds()) {
                    continue; // seeking lands on the key frame before --start
                }
                if (Double.isNaN(firstPts)) {
                    firstPts = p.ptsSeconds();
                }
                if (selection.pastEnd(p.ptsSeconds() - firstPts, sent)) {
                    return null;
                }
                if (!selection.keeps(selected++)) {
                    continue;
                }
                return encoding.frame(sent++, p.decodedIndex(), p.image(), p.ptsSeconds());
            }
        }

        @Override
        public void close() {
            decoder.close();
        }
    }
}
