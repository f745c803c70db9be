package io.scorecam.cli.source;


/** The frames of one pass over a source, in order. Not thread-safe: one sender reads it. */
public interface FrameStream extends AutoCloseable {
    /**
     * The next frame, waiting for it if the source is live; null at the end.
     *
     * @throws io.scorecam.cli.errors.CliException when the source fails (one line naming it)
     */
    Frame next() throws InterruptedException;

    /** Frames per second of the source (after --every), 0 when it does not say. */
    double frameRate();

    /** Width x height of the frames, 0 x 0 when unknown (folders of mixed images). */
    int width();

    int height();

    /** Live frames replaced by a newer one before they could be sent (newest wins). */
    default long dropped() {
        return 0;
    }

    @Override
    void close();
}
