package io.scorecam.loadtest;

import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.OverloadPolicy;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A live camera: one stream whose frames arrive at a fixed rate above what the server sustains, policy LATEST.
 * First the server's time for one frame ({@code service_ms}: the median latency of frames sent one at a time,
 * nothing else in the way), then the open loop; a server that lets no queue build up answers about as many
 * frames per second as its one-stream maximum, each within about one service time of its arrival.
 *
 * <p>The maximum is the mean of the closed-loop phase before and one more right after the live run, as raw ORT
 * brackets each efficiency phase: this machine's speed drifts by a third within minutes, and a maximum measured
 * minutes before the live run alone made the ratio swing from 0.65 to 2.25 on one jar.
 */
final class LivePhase {
    /** Above this a method is not live on the model: its frame takes longer than a camera waits. */
    static final double MAX_LIVE_SERVICE_MS = 2000;

    private final ThroughputProbe probe;
    private final PrintStream out;

    LivePhase(ThroughputProbe probe, PrintStream out) {
        this.probe = probe;
        this.out = out;
    }

    /**
     * @param maxFps        the method's one-stream frames/s from the closed-loop phase
     * @param window        that phase's frames in flight (the maximum is measured again with it after the run)
     * @param offeredFps    the source's rate; 0: 1.5 x maxFps
     * @return the LIVE measurement, or null when the method was skipped
     */
    ThroughputProbe.Measurement run(String model, Method method, RequestTemplate template, double maxFps, int window,
                                    double offeredFps, double warmup, double seconds) throws InterruptedException {
        ThroughputProbe.Measurement alone = probe.measure(template.fresh(), 1, 1, warmup, Math.max(0.2, seconds / 3), 3);
        double serviceMs = alone.latency().p50();
        if (serviceMs > MAX_LIVE_SERVICE_MS || alone.frames() == 0) {
            out.printf(Locale.ROOT, "LIVE_SKIPPED model=%s method=%s service_ms=%.1f reason=\"one frame takes "
                    + "longer than %.0f ms: not a live method on this model\"%n", model, method, serviceMs,
                    MAX_LIVE_SERVICE_MS);
            return null;
        }
        double offered = offeredFps > 0 ? offeredFps : 1.5 * Math.max(maxFps, 1000 / serviceMs);
        RequestTemplate live = template.with(template.prototype().toBuilder().setPolicy(OverloadPolicy.LATEST).build())
                .fresh();
        ThroughputProbe.Measurement m = probe.measure(live, 1, s -> StreamPlan.open(offered, 0, 0, 0), warmup,
                seconds, 3);
        double answered = m.framesPerSecond();
        double maxAfter = probe.measure(template.fresh(), 1, window, warmup, Math.max(0.2, seconds / 2), 3)
                .framesPerSecond();
        double max = (maxFps + maxAfter) / 2;
        out.printf(Locale.ROOT, "LIVE model=%s method=%s offered_fps=%.1f answered_fps=%.2f p50_ms=%.1f service_ms=%.1f "
                        + "p95_ms=%.1f skipped_per_s=%.1f answered_vs_max=%.2f p50_vs_service=%.2f max_fps=%.1f "
                        + "max_before_fps=%.1f max_after_fps=%.1f%n", model, method,
                offered, answered, m.latency().p50(), serviceMs, m.latency().p95(), m.skipped() / m.seconds(),
                max > 0 ? answered / max : 0, serviceMs > 0 ? m.latency().p50() / serviceMs : 0, max, maxFps, maxAfter);
        return m;
    }
}
