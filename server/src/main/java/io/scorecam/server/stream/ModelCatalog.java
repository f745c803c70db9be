package io.scorecam.server.stream;

import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.server.engine.api.ModelDescription;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The served models as responses need them: class labels by model, and the ListModels answer. */
final class ModelCatalog {
    private final Map<String, List<String>> labels = new HashMap<>();
    private final Map<String, ModelDescription> byName = new HashMap<>();
    private final String defaultModel;
    private final ListModelsResponse listing;

    ModelCatalog(List<ModelDescription> models) {
        String def = "";
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            labels.put(m.name(), m.labels() == null ? List.of() : m.labels());
            byName.put(m.name(), m);
            if (m.isDefault()) {
                def = m.name();
            }
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
                m.methods().forEach(method -> info.addMethods(Method.valueOf(method.name())));
            }
            b.addModels(info);
        }
        this.defaultModel = def;
        this.listing = b.build();
    }

    ListModelsResponse listing() {
        return listing;
    }

    /** The label of a class, or "" when the model has no labels file or the id is beyond it. */
    String label(String model, int classId) {
        List<String> l = labels.get(model.isEmpty() ? defaultModel : model);
        return l != null && classId >= 0 && classId < l.size() ? l.get(classId) : "";
    }

    /** Input width x height of a model ("" = the default one); 0 when unknown (the engine names the problem). */
    long inputPixels(String model) {
        ModelDescription m = byName.get(model.isEmpty() ? defaultModel : model);
        return m == null ? 0 : (long) m.inputWidth() * m.inputHeight();
    }

    /** Target layer width x height of a model; 0 when unknown. */
    long layerPixels(String model) {
        ModelDescription m = byName.get(model.isEmpty() ? defaultModel : model);
        return m == null ? 0 : (long) m.layerWidth() * m.layerHeight();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
