package io.scorecam.server.engine.api;

import io.scorecam.api.v1.Method;

import java.util.List;

/**
 * What ListModels reports about a loaded model.
 *
 * @param methods  the methods this model can be explained with (RECIPRO_CAM only when its head can be split off)
 * @param defaults what a request that leaves method, convention, max_channels or top_k unset gets
 */
public record ModelDescription(String name,
                               int inputWidth,
                               int inputHeight,
                               int numClasses,
                               int channels,
                               String targetLayer,
                               int layerWidth,
                               int layerHeight,
                               boolean isDefault,
                               List<String> labels,
                               String outputKind,
                               List<Method> methods,
                               ModelDefaults defaults) {

    /** A model with the server's request defaults (test explainers). */
    public ModelDescription(String name, int inputWidth, int inputHeight, int numClasses, int channels,
                            String targetLayer, int layerWidth, int layerHeight, boolean isDefault,
                            List<String> labels, String outputKind, List<Method> methods) {
        this(name, inputWidth, inputHeight, numClasses, channels, targetLayer, layerWidth, layerHeight, isDefault,
                labels, outputKind, methods, ModelDefaults.server(EngineOptions.defaults().fasterChannels()));
    }
}
