package io.scorecam.cli.replay;

import io.scorecam.cli.source.Frame;
import java.util.concurrent.TimeUnit;

/**
 * When frames go out: at a fixed {@code fps} (--fps), at the source's own timestamps (--realtime), or as fast
 * as the server's flow control allows (neither). A live source is real time by nature and needs neither.
 */
public record Pacing(double fps, boolean realtime) {
    public static final Pacing NONE = new Pacing(0, false);

    /** A clock for one pass over a source. */
    public Clock start() {
        return new Clock();
    }

    public final class Clock {
        private final long startNanos = System.nanoTime();
        private double firstPts = Double.NaN;
        private long count;

        /** Sleeps until {@code frame} is due. */
        public void await(Frame frame) throws InterruptedException {
            long dueOffset;
            if (fps > 0) {
                dueOffset = (long) (count * 1e9 / fps);
            } else if (realtime) {
                if (Double.isNaN(firstPts)) {
                    firstPts = frame.ptsSeconds();
                }
                dueOffset = (long) ((frame.ptsSeconds() - firstPts) * 1e9);
            } else {
                dueOffset = 0;
            }
            count++;
            long wait = startNanos + dueOffset - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }
}
