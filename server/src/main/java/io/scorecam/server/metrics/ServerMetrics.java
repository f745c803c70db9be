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
 * The server's meters, and the one place where every metric name of the product is written down.
 * Micrometer names use dots; Prometheus shows them with underscores and unit suffixes (in brackets).
 *
 * <ul>
 *   <li>{@value #FRAMES} [scorecam_frames_total] counter, tag {@code status} = OK | SKIPPED | ERROR</li>
 *   <li>{@value #FRAME_LATENCY} [scorecam_frame_latency_seconds] histogram: a frame's arrival to its
 *       response (OK and ERROR frames)</li>
 *   <li>{@value #STREAMS_OPEN} [scorecam_streams_open] gauge: open ExplainStream calls</li>
 *   <li>{@value #STREAMS} [scorecam_streams_total] counter: ExplainStream calls started (which replica served
 *       how many streams, behind a load balancer)</li>
 *   <li>{@value #FRAMES_IN_FLIGHT} [scorecam_frames_in_flight] gauge: frames taken from streams, not yet answered</li>
 *   <li>{@value #QUEUE_DEPTH} [scorecam_queue_depth] gauge: masked items waiting in the engine's batch queue
 *       (Explainer.queuedItems())</li>
 *   <li>{@value #STAGE_TIME} [scorecam_frame_stage_seconds] timer, tag {@code stage} = one of {@link #STAGES}:
 *       where a computed frame's time goes (the per-frame profile {@code loadtest bench} prints)</li>
 * </ul>
 * Registered by the engine ({@code engine.EngineMetrics}, tag {@code kind} = the batch kind):
 * <ul>
 *   <li>{@value #BATCH_SIZE} [scorecam_batch_size] histogram: items per batch run through ONNX Runtime</li>
 *   <li>{@value #ORT_TIME} [scorecam_ort_time_seconds] histogram: ONNX Runtime time per batch</li>
 *   <li>{@value #BATCH_WAIT} [scorecam_batch_wait_seconds] timer: wait of a batch's oldest item</li>
 *   <li>scorecam.queue.items [scorecam_queue_items], scorecam.cache.bytes, scorecam.cache.hits,
 *       scorecam.cache.misses: batch queue and frame cache</li>
 * </ul>
 */
public final class ServerMetrics {
    public static final String FRAMES = "scorecam.frames";
    public static final String FRAME_LATENCY = "scorecam.frame.latency";
    public static final String STREAMS_OPEN = "scorecam.streams.open";
    public static final String STREAMS = "scorecam.streams";
    public static final String FRAMES_IN_FLIGHT = "scorecam.frames.in.flight";
    public static final String QUEUE_DEPTH = "scorecam.queue.depth";
    /** The engine's: items per batch (DistributionSummary). */
    public static final String BATCH_SIZE = "scorecam.batch.size";
    /** The engine's: ONNX Runtime time per batch (Timer). */
    public static final String ORT_TIME = "scorecam.ort.time";
    /** The engine's: queue wait of a batch's oldest item (Timer). */
    public static final String BATCH_WAIT = "scorecam.batch.wait";
    /** Time of one stage of a frame's path (Timer, tag {@code stage}). */
    public static final String STAGE_TIME = "scorecam.frame.stage";
    /**
     * The stages, in path order: decode (client bytes to pixels), resize and normalise (to the model's input
     * tensor), passes (from the tensor to the last forward pass's result: queue waits included), combine (score
     * rows to finished maps), encode (maps to PNG/JPEG and the response message).
     */
    public static final List<String> STAGES = List.of("decode", "resize", "normalise", "passes", "combine", "encode");

    private final MeterRegistry registry;
    private final Map<String, Counter> framesByStatus = new ConcurrentHashMap<>();
    private final Timer latency;
    private final AtomicInteger streamsOpen = new AtomicInteger();
    private final Counter streamsStarted;
    private final AtomicInteger framesInFlight = new AtomicInteger();
    private final Map<String, Timer> stages = new ConcurrentHashMap<>();

    public ServerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder(FRAME_LATENCY)
                .description("From a frame's arrival to its response")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        this.streamsStarted = Counter.builder(STREAMS).description("ExplainStream calls started").register(registry);
        Gauge.builder(STREAMS_OPEN, streamsOpen, AtomicInteger::get)
                .description("Open ExplainStream calls").register(registry);
        Gauge.builder(FRAMES_IN_FLIGHT, framesInFlight, AtomicInteger::get)
                .description("Frames taken from streams and not yet answered").register(registry);
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

    /** Counts one answered frame; latency is recorded for computed ones (not for SKIPPED). */
    public void frameAnswered(String status, long latencyNanos) {
        framesByStatus.computeIfAbsent(status, s -> Counter.builder(FRAMES).tag("status", s)
                .description("Frames answered, by status").register(registry)).increment();
        if (!"SKIPPED".equals(status)) {
            latency.record(latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Adds the time one frame spent in a stage (one of {@link #STAGES}). */
    public void stage(String stage, long nanos) {
        stages.computeIfAbsent(stage, s -> Timer.builder(STAGE_TIME).tag("stage", s)
                .description("Time of one stage of a frame's path").register(registry))
                .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
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
}
