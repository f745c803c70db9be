package io.scorecam.server.stream;

import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.ModelState;
import io.scorecam.server.lifecycle.ModelStates;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.api.v1.RequestDefaults;
import io.scorecam.server.engine.api.ModelDefaults;
import io.scorecam.server.metrics.FrameLabels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The served models as the gRPC layer needs them: which one a request means (for labels in metrics), and the
 * ListModels answer with each model's readiness ({@link ModelStates}: models still loading or that failed to
 * load are listed too, with the reason). Holds one immutable snapshot, replaced whole by {@link #update}.
 * Frames take their model's defaults and labels from the version their call runs on ({@link ModelPins}).
 */
final class ModelCatalog {
    private final ModelStates states;
    private volatile Snapshot snapshot;

    private record Snapshot(Map<String, ModelDescription> models, String defaultModel, ListModelsResponse listing) {
    }

    ModelCatalog(List<ModelDescription> models) {
        this(models, new ModelStates());
    }

    ModelCatalog(List<ModelDescription> models, ModelStates states) {
        this.states = states;
        update(models);
    }

    /** Replaces the served models (start-up, model reload); the readiness is read from the states now. */
    synchronized void update(List<ModelDescription> models) {
        Map<String, ModelDescription> byName = new LinkedHashMap<>();
        String def = "";
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            byName.put(m.name(), m);
            if (m.isDefault()) {
                def = m.name();
            }
            ModelStates.ModelState state = states.get(m.name());
            b.addModels(state == null ? info(m).setState(ModelState.READY).build() : withState(info(m), state));
        }
        for (ModelStates.ModelState state : states.all()) {
            if (!byName.containsKey(state.name())) { // loading, or could not be loaded
                b.addModels(withState(ModelInfo.newBuilder().setName(state.name()), state));
            }
        }
        snapshot = new Snapshot(Map.copyOf(byName), def, b.build());
    }

    private static ModelInfo withState(ModelInfo.Builder info, ModelStates.ModelState state) {
        return info.setState(switch (state.state()) {
                    case LOADING -> ModelState.LOADING;
                    case READY -> ModelState.READY;
                    case UNAVAILABLE -> ModelState.UNAVAILABLE;
                })
                .setStateReason(state.reason())
                .setVersion(state.version())
                .setGeneration(state.generation())
                .build();
    }

    ListModelsResponse listing() {
        return snapshot.listing();
    }

    /** The model a request names (empty: the default one), or null when the server does not serve it. */
    ModelDescription find(String requested) {
        Snapshot s = snapshot;
        return s.models().get(requested == null || requested.isEmpty() ? s.defaultModel() : requested);
    }

    /** The model's label value in metrics and logs: its name, or {@link FrameLabels#UNKNOWN}. */
    String labelOf(String requested) {
        ModelDescription m = find(requested);
        return m == null ? FrameLabels.UNKNOWN : m.name();
    }

    /** The label of a class, or "" when the model has no labels file or the id is beyond it. */
    String label(String model, int classId) {
        return label(find(model), classId);
    }

    /** The label of a class of this model version, or "" when it has no labels file or the id is beyond it. */
    static String label(ModelDescription m, int classId) {
        List<String> l = m == null || m.labels() == null ? List.of() : m.labels();
        return classId >= 0 && classId < l.size() ? l.get(classId) : "";
    }

    private static ModelInfo.Builder info(ModelDescription m) {
        ModelInfo.Builder info = ModelInfo.newBuilder()
                .setName(m.name())
                .setInputWidth(m.inputWidth())
                .setInputHeight(m.inputHeight())
                .setNumClasses(m.numClasses())
                .setChannels(m.channels())
                .setTargetLayer(nullToEmpty(m.targetLayer()))
                .setLayerWidth(m.layerWidth())
                .setLayerHeight(m.layerHeight())
                .setIsDefault(m.isDefault())
                .setOutputKind(nullToEmpty(m.outputKind()));
        if (m.labels() != null) {
            info.addAllLabels(m.labels());
        }
        if (m.methods() != null) {
            info.addAllMethods(m.methods());
        }
        ModelDefaults d = m.defaults();
        info.setDefaults(RequestDefaults.newBuilder()
                .setMethod(d.method())
                .setConvention(Convention.valueOf(d.convention().name()))
                .setMaxChannels(d.maxChannels())
                .setTopK(d.topK()));
        return info;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
