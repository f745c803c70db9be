package io.scorecam.server.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scorecam.server.batching.BatchListener;
import io.scorecam.server.metrics.ServerMetrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The engine's meters: batch sizes and ORT time per batch kind, queue wait, queue depth, cache hits.
 * Names are Micrometer's dotted form; Prometheus shows them as e.g. {@code scorecam_batch_size}.
 */
final class EngineMetrics implements BatchListener {
    /** scorecam_batch_executions_total{model,kind}: batches run, per model and pass kind. */
    static final String BATCH_EXECUTIONS = "scorecam.batch.executions";
    /** scorecam_batch_items_total{model,kind}: items in those batches. */
    static final String BATCH_ITEMS = "scorecam.batch.items";
    private final MeterRegistry registry;
    private final Map<String, BatchMeters> batchMeters = new ConcurrentHashMap<>();
    private final Map<String, Timer> stageTimers = new ConcurrentHashMap<>();

    EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    <T> void gauge(String name, String help, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(help).register(registry);
    }

    <T> void counter(String name, String help, T source, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, source, value).description(help).register(registry);
    }

    /** One stage of a frame's path (resize, normalise, passes, combine): {@link ServerMetrics#STAGE_TIME}. */
    void stage(String stage, long nanos) {
        stageTimers.computeIfAbsent(stage, s -> ServerMetrics.stageTimer(registry, s))
                .record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    @Override
    public void onBatch(String kind, int size, long waitNanos, long runNanos) {
        // one lookup per batch: building and registering five meters each time cost ~1% of the CPU of a
        // small model's frame (49 batches per frame)
        batchMeters.computeIfAbsent(kind, this::batchMeters).record(size, waitNanos, runNanos);
    }

    private BatchMeters batchMeters(String kind) {
        // batch kinds are named MODEL/PASS (model names are directory names: no '/'); operators slice by both
        int slash = kind.indexOf('/');
        String model = slash < 0 ? "" : kind.substring(0, slash);
        String pass = slash < 0 ? kind : kind.substring(slash + 1);
        return new BatchMeters(
                Counter.builder(BATCH_EXECUTIONS).description("batches run through ONNX Runtime")
                        .tags("model", model, "kind", pass).register(registry),
                Counter.builder(BATCH_ITEMS).description("items (images, masked images, head cells) in those batches")
                        .tags("model", model, "kind", pass).register(registry),
                DistributionSummary.builder("scorecam.batch.size")
                        .description("items per batch run through ONNX Runtime")
                        .tag("kind", kind)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(1.0).maximumExpectedValue(256.0)
                        .register(registry),
                Timer.builder("scorecam.ort.time")
                        .description("time ONNX Runtime spent on one batch")
                        .tag("kind", kind)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(10))
                        .register(registry),
                Timer.builder("scorecam.batch.wait")
                        .description("how long the oldest item of a batch waited in the queue")
                        .tag("kind", kind)
                        .register(registry));
    }

    /** The meters of one batch kind, registered once (the registry never removes them). */
    private record BatchMeters(Counter executions, Counter items, DistributionSummary size, Timer ortTime,
                               Timer waitTime) {
        void record(int batchSize, long waitNanos, long runNanos) {
            executions.increment();
            items.increment(batchSize);
            size.record(batchSize);
            ortTime.record(runNanos, TimeUnit.NANOSECONDS);
            waitTime.record(waitNanos, TimeUnit.NANOSECONDS);
        }
    }
}
