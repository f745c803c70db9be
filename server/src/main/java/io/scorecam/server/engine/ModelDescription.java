package io.scorecam.server.engine;

import java.util.List;

/** What ListModels reports about a loaded model. */
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
                               String outputKind) {
}
