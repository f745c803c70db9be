package io.scorecam.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The gRPC layer's meters, in the spirit of Triton's {@code nv_inference_*} families: per model, method
 * (and convention or gRPC code) frames succeeded, failed and skipped, their duration split into queue and
 * compute, and the forward passes they cost. Micrometer names use dots; Prometheus shows them with
 * underscores, {@code _total} on counters and {@code _seconds} on timers. docs/metrics.md lists every series;
 * {@value #STAGE_TIME} [scorecam_frame_stage_seconds{stage}] is the per-frame profile {@code loadtest bench} prints.
 */
public final class ServerMetrics {
    public static final String FRAMES_SUCCEEDED = "scorecam.frames.succeeded";
    public static final String FRAMES_FAILED = "scorecam.frames.failed";
    public static final String FRAMES_SKIPPED = "scorecam.frames.skipped";
    public static final String FRAME_DURATION = "scorecam.frame.duration";
    public static final String FRAME_QUEUE_DURATION = "scorecam.frame.queue.duration";
    public static final String FRAME_COMPUTE_DURATION = "scorecam.frame.compute.duration";
    public static final String FRAME_FORWARD_PASSES = "scorecam.frame.forward.passes";
    public static final String STREAMS_OPEN = "scorecam.streams.open";
    public static final String STREAMS = "scorecam.streams";
    public static final String FRAMES_IN_FLIGHT = "scorecam.frames.in.flight";
    public static final String QUEUE_DEPTH = "scorecam.queue.depth";
    /** Browser viewers connected (--web-port). */
    public static final String LIVE_SESSIONS_OPEN = "scorecam.live.sessions.open";
    /** Viewers gone: tab closed, connection lost, server stop. */
    public static final String LIVE_SESSIONS_CLOSED = "scorecam.live.sessions.closed";
    /** Viewer frames whose engine work was cancelled because the viewer went away before the answer. */
    public static final String LIVE_FRAMES_CANCELLED = "scorecam.live.frames.cancelled";
    /** The engine's: items per batch (DistributionSummary, tag kind). */
    public static final String BATCH_SIZE = "scorecam.batch.size";
    /** The engine's: ONNX Runtime time per batch (Timer, tag kind). */
    public static final String ORT_TIME = "scorecam.ort.time";
    /** The engine's: queue wait of a batch's oldest item (Timer, tag kind). */
    public static final String BATCH_WAIT = "scorecam.batch.wait";
    /** Warm-up frames answered OK before SERVING (tag {@code path}: in_process or transport); in no frame series. */
    public static final String WARMUP_FRAMES = "scorecam.warmup.frames";
    /** Time of one stage of a frame's path (Timer, tag {@code stage}). */
    public static final String STAGE_TIME = "scorecam.frame.stage";
    /**
     * The stages, in path order: decode (client bytes to pixels), resize and normalise (to the model's input
     * tensor), passes (from the tensor to the last forward pass's result: queue waits included), combine (score
     * rows to finished maps), encode (maps to PNG/JPEG and the response message).
     */
    public static final List<String> STAGES = List.of("decode", "resize", "normalise", "passes", "combine", "encode");

    /** Fixed buckets (not Micrometer's ~70 percentile buckets): a frame costs 1 ms to a minute. */
    private static final Duration[] BUCKETS = {
            ms(1), ms(2.5), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500),
            ms(1000), ms(2500), ms(5000), ms(10_000), ms(30_000), ms(60_000)};

    private final MeterRegistry registry;
    private final Map<FrameLabels, FrameMeters> frames = new ConcurrentHashMap<>();
    private final Map<Failure, Counter> failures = new ConcurrentHashMap<>();
    private final Map<FrameLabels, Counter> skipped = new ConcurrentHashMap<>();
    private final AtomicInteger streamsOpen = new AtomicInteger();
    private final Counter streamsStarted;
    private final AtomicInteger framesInFlight = new AtomicInteger();
    private final AtomicInteger liveOpen = new AtomicInteger();
    private final Counter liveClosed;
    private final Counter liveCancelled;
    private final Map<String, Timer> stages = new ConcurrentHashMap<>();

    private record Failure(FrameLabels labels, String code) {
    }

    /** The meters of one (model, method, convention); durations and passes leave the convention out. */
    private record FrameMeters(Counter succeeded, Timer total, Timer queue, Timer compute, Counter passes) {
    }

    public ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.streamsStarted = Counter.builder(STREAMS).description("ExplainStream calls started").register(registry);
        Gauge.builder(STREAMS_OPEN, streamsOpen, AtomicInteger::get)
                .description("Open ExplainStream calls").register(registry);
        Gauge.builder(FRAMES_IN_FLIGHT, framesInFlight, AtomicInteger::get)
                .description("Frames taken from calls and not yet answered").register(registry);
        Gauge.builder(LIVE_SESSIONS_OPEN, liveOpen, AtomicInteger::get)
                .description("Browser viewers connected").register(registry);
        liveClosed = Counter.builder(LIVE_SESSIONS_CLOSED).description("Browser viewers gone").register(registry);
        liveCancelled = Counter.builder(LIVE_FRAMES_CANCELLED)
                .description("Viewer frames cancelled because the viewer went away").register(registry);
    }

    public void liveSessionOpened() {
        liveOpen.incrementAndGet();
    }

    /** @param cancelledFrames frames of the session whose work was cancelled (0 or 1: one frame in flight) */
    public void liveSessionClosed(int cancelledFrames) {
        liveOpen.decrementAndGet();
        liveClosed.increment();
        liveCancelled.increment(cancelledFrames);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Publishes the engine's batch-queue depth (read when scraped). */
    public void bindQueueDepth(IntSupplier queuedItems) {
        // the Supplier form holds the supplier strongly; a state-object gauge would let a lambda be
        // garbage-collected and then read NaN
        Gauge.builder(QUEUE_DEPTH, queuedItems::getAsInt)
                .description("Masked items waiting in the batch queue").register(registry);
    }

    /**
     * A frame answered OK.
     *
     * @param queueMs   its wait (stream window and batch queue), as its response says
     * @param computeMs its compute time, as its response says
     */
    public void frameSucceeded(FrameLabels labels, int forwardPasses, double queueMs, double computeMs,
                               long totalNanos) {
        FrameMeters m = frames.computeIfAbsent(labels, this::frameMeters);
        m.succeeded.increment();
        m.total.record(totalNanos, TimeUnit.NANOSECONDS);
        m.queue.record(Math.round(queueMs * 1e6), TimeUnit.NANOSECONDS);
        m.compute.record(Math.round(computeMs * 1e6), TimeUnit.NANOSECONDS);
        m.passes.increment(forwardPasses);
    }

    /** A frame answered ERROR with a gRPC code name (e.g. INVALID_ARGUMENT). */
    public void frameFailed(FrameLabels labels, String code, long totalNanos) {
        failures.computeIfAbsent(new Failure(labels, code), f -> Counter.builder(FRAMES_FAILED)
                .description("Frames answered ERROR, by gRPC code")
                .tags("model", f.labels.model(), "method", f.labels.method(), "code", f.code)
                .register(registry)).increment();
        frames.computeIfAbsent(labels, this::frameMeters).total.record(totalNanos, TimeUnit.NANOSECONDS);
    }

    /** A frame dropped under the LATEST policy (answered SKIPPED, never computed). */
    public void frameSkipped(FrameLabels labels) {
        skipped.computeIfAbsent(labels, l -> Counter.builder(FRAMES_SKIPPED)
                .description("Frames answered SKIPPED (dropped under the LATEST policy)")
                .tags("model", l.model(), "method", l.method())
                .register(registry)).increment();
    }

    private FrameMeters frameMeters(FrameLabels l) {
        return new FrameMeters(
                Counter.builder(FRAMES_SUCCEEDED).description("Frames answered OK")
                        .tags("model", l.model(), "method", l.method(), "convention", l.convention())
                        .register(registry),
                timer(FRAME_DURATION, "From a frame's arrival to its response (OK and ERROR frames)", l),
                timer(FRAME_QUEUE_DURATION, "Time an OK frame waited: stream window and batch queue", l),
                timer(FRAME_COMPUTE_DURATION, "Time an OK frame was computed: decode, passes, maps, encode", l),
                Counter.builder(FRAME_FORWARD_PASSES)
                        .description("Model forward passes the OK frames cost (0 for a cache hit)")
                        .tags("model", l.model(), "method", l.method())
                        .register(registry));
    }

    private Timer timer(String name, String help, FrameLabels l) {
        return Timer.builder(name).description(help)
                .tags("model", l.model(), "method", l.method())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    /** Adds the time one frame spent in a stage (one of {@link #STAGES}). */
    public void stage(String stage, long nanos) {
        stages.computeIfAbsent(stage, s -> stageTimer(registry, s)).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** The {@link #STAGE_TIME} timer of one stage; the engine records its stages (passes, combine) in it too. */
    public static Timer stageTimer(MeterRegistry registry, String stage) {
        return Timer.builder(STAGE_TIME).tag("stage", stage)
                .description("Time of one stage of a frame's path").register(registry);
    }

    /** Warm-up frames answered OK; {@code path} is in_process (the frame path only) or transport (the gRPC port). */
    public void warmUpFrames(String path, int frames) {
        Counter.builder(WARMUP_FRAMES).tag("path", path)
                .description("Warm-up frames answered OK before SERVING, by path (counted in no frame series)")
                .register(registry).increment(frames);
    }

    public void streamOpened() {
        streamsStarted.increment();
        streamsOpen.incrementAndGet();
    }

    public void streamClosed() {
        streamsOpen.decrementAndGet();
    }

    public void frameStarted() {
        framesInFlight.incrementAndGet();
    }

    public void frameFinished() {
        framesInFlight.decrementAndGet();
    }

    private static Duration ms(double millis) {
        return Duration.ofNanos(Math.round(millis * 1e6));
    }
}
