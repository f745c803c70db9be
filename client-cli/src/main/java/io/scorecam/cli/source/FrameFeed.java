package io.scorecam.cli.source;

/** Opens a source once per pass (each stream, each --loop): a folder replays from memory, a video re-opens. */
public interface FrameFeed {
    /** Fails now, with the source's one-line error, if it cannot be opened. */
    default void check() {
    }

    FrameStream open();

    /** Frames per second the source gives (after --every; known after {@link #check}), 0 when it has none. */
    double frameRate();

    /** Frames one pass yields, or -1 when not known in advance (live sources, --duration on a file). */
    long framesPerPass();

    /** A camera, pipe or network stream: frames arrive in real time and may be dropped, newest wins. */
    boolean live();

    /** For messages: "video x.mp4", "camera /dev/video0", ... */
    String describe();
}
