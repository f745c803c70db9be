package io.scorecam.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scorecam.server.lifecycle.ModelStates;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-model repository meters, like Triton's per-model readiness: {@code scorecam_model_ready{model}} (1 while
 * READY, from {@link ModelStates}; the series goes when the model leaves the repository), load time and load
 * failures per model. The label set is the repository's models: bounded by what the operator puts there.
 */
public final class ModelMetrics {
    public static final String MODEL_READY = "scorecam.model.ready";
    public static final String MODEL_LOAD_DURATION = "scorecam.model.load.duration";
    public static final String MODEL_LOAD_FAILURES = "scorecam.model.load.failures";

    private final MeterRegistry registry;
    private final ModelStates states;
    private final Map<String, Gauge> ready = new ConcurrentHashMap<>();

    private ModelMetrics(MeterRegistry registry, ModelStates states) {
        this.registry = registry;
        this.states = states;
    }

    /** Binds the ready gauges to the states (one per model, added and removed as models come and go). */
    public static ModelMetrics bind(MeterRegistry registry, ModelStates states) {
        ModelMetrics m = new ModelMetrics(registry, states);
        states.all().forEach(s -> m.changed(s.name()));
        states.onChange(m::changed);
        return m;
    }

    private void changed(String model) {
        if (states.get(model) == null) {
            Gauge g = ready.remove(model);
            if (g != null) {
                registry.remove(g);
            }
        } else {
            ready.computeIfAbsent(model, name -> Gauge.builder(MODEL_READY, states, s -> {
                        ModelStates.ModelState st = s.get(name);
                        return st != null && st.ready() ? 1 : 0;
                    })
                    .description("1 while the model is loaded and serving, 0 while it loads or could not be loaded")
                    .tag("model", name).register(registry));
        }
    }

    /** A version of the model loaded (start-up or reload), in {@code duration}. */
    public void loaded(String model, Duration duration) {
        Timer.builder(MODEL_LOAD_DURATION).description("time to load a model version (graph surgery, tuning)")
                .tag("model", model).register(registry).record(duration);
    }

    /** A version of the model failed to load (bad model.json, unreadable or unusable ONNX file). */
    public void loadFailed(String model) {
        Counter.builder(MODEL_LOAD_FAILURES).description("model versions that failed to load")
                .tag("model", model).register(registry).increment();
    }
}
