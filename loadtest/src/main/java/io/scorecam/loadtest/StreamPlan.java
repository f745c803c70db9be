package io.scorecam.loadtest;

/**
 * How one stream sends frames.
 *
 * @param openLoop       true: a fixed arrival rate of {@code fps}; false: a window of frames in flight
 * @param fps            frames per second of an open loop
 * @param window         frames in flight in a closed loop
 * @param durationNanos  how long to send (0: until {@code maxFrames} or {@link StreamDriver#stop()})
 * @param maxFrames      how many frames to send (0: no limit)
 * @param offsetNanos    delay of the first frame (open loops stagger their streams across one interval)
 */
public record StreamPlan(boolean openLoop, double fps, int window, long durationNanos, long maxFrames,
                         long offsetNanos) {
    public StreamPlan {
        if (openLoop && !(fps > 0)) {
            throw new IllegalArgumentException("an open loop needs fps > 0, got " + fps);
        }
        if (!openLoop && window < 1) {
            throw new IllegalArgumentException("a closed loop needs a window of at least 1, got " + window);
        }
    }

    public static StreamPlan open(double fps, long durationNanos, long maxFrames, long offsetNanos) {
        return new StreamPlan(true, fps, 0, durationNanos, maxFrames, offsetNanos);
    }

    public static StreamPlan closed(int window, long durationNanos, long maxFrames) {
        return new StreamPlan(false, 0, window, durationNanos, maxFrames, 0);
    }

    public long intervalNanos() {
        return openLoop ? Math.round(1e9 / fps) : 0;
    }
}
