package io.scorecam.cli.source;


import java.util.Iterator;
import java.util.List;

/** A folder's image files, read up front so that pacing measures the server, not the disk. */
public final class FolderFeed implements FrameFeed {
    private final String name;
    private final List<Frame> frames;
    private final double fps;

    /** @param fps the rate --realtime replays the folder at (0: as fast as allowed) */
    public FolderFeed(String name, List<Frame> frames, double fps) {
        this.name = name;
        this.frames = List.copyOf(frames);
        this.fps = fps;
    }

    public List<Frame> frames() {
        return frames;
    }

    @Override
    public FrameStream open() {
        Iterator<Frame> it = frames.iterator();
        return new FrameStream() {
            @Override
            public Frame next() {
                return it.hasNext() ? it.next() : null;
            }

            @Override
            public double frameRate() {
                return fps;
            }

            @Override
            public int width() {
                return 0;
            }

            @Override
            public int height() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public double frameRate() {
        return fps;
    }

    @Override
    public long framesPerPass() {
        return frames.size();
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public String describe() {
        return name;
    }
}
