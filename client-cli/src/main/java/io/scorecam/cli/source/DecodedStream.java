package io.scorecam.cli.source;

/**
 * What a file and a live source decoded by FFmpeg share: the decoder, the frame selection, the encoding of the
 * frames sent, and the rate and size the decoder reports. How frames are read and selected differs: a file by
 * its timestamps on the caller's thread ({@link VideoFeed}), a live source by wall time on its own thread
 * ({@link LiveStream}).
 */
abstract class DecodedStream implements FrameStream {
    protected final FfmpegDecoder decoder;
    protected final Selection selection;
    protected final FrameEncoding encoding;

    DecodedStream(FfmpegDecoder decoder, Selection selection, FrameEncoding encoding) {
        this.decoder = decoder;
        this.selection = selection;
        this.encoding = encoding;
    }

    @Override
    public double frameRate() {
        return decoder.frameRate() / selection.every();
    }

    @Override
    public int width() {
        return decoder.width();
    }

    @Override
    public int height() {
        return decoder.height();
    }
}
