package io.scorecam.server.stream;

import io.scorecam.api.v1.Convention;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.server.engine.api.ModelDescription;
import io.scorecam.api.v1.RequestDefaults;
import io.scorecam.server.engine.api.ModelDefaults;
import io.scorecam.server.metrics.FrameLabels;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The served models as the gRPC layer needs them: which one a request means, its request defaults and
 * labels, and the ListModels answer. Holds one immutable snapshot, replaced whole by {@link #update}.
 */
final class ModelCatalog {
    private volatile Snapshot snapshot;

    private record Snapshot(Map<String, ModelDescription> models, String defaultModel, ListModelsResponse listing) {
    }

    ModelCatalog(List<ModelDescription> models) {
        update(models);
    }

    /** Replaces the served models (start-up, model reload). */
    void update(List<ModelDescription> models) {
        Map<String, ModelDescription> byName = new LinkedHashMap<>();
        String def = "";
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            byName.put(m.name(), m);
            if (m.isDefault()) {
                def = m.name();
            }
            b.addModels(info(m));
        }
        snapshot = new Snapshot(Map.copyOf(byName), def, b.build());
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
        ModelDescription m = find(model);
        List<String> l = m == null || m.labels() == null ? List.of() : m.labels();
        return classId >= 0 && classId < l.size() ? l.get(classId) : "";
    }

    private static ModelInfo info(ModelDescription m) {
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
        return info.build();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
