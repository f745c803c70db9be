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
    private final String defaultModel;
    private final ListModelsResponse listing;

    ModelCatalog(List<ModelDescription> models) {
        String def = "";
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (ModelDescription m : models) {
            labels.put(m.name(), m.labels() == null ? List.of() : m.labels());
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
                info.addAllMethods(m.methods());
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

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
