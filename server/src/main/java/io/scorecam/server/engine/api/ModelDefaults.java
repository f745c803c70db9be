package io.scorecam.server.engine.api;

import io.scorecam.api.v1.Method;
import io.scorecam.server.model.ModelConfig;

/**
 * What a request that leaves method, convention, max_channels or top_k unset gets for one model: model.json's
 * value where it sets one, the server's default otherwise.
 */
public record ModelDefaults(Method method, Convention convention, int maxChannels, int topK) {

    /** The server's defaults for a model whose model.json sets none. */
    public static ModelDefaults server(int fasterChannels) {
        return new ModelDefaults(Method.SCORE_CAM, Convention.SEED, fasterChannels, 1);
    }

    /** model.json's defaults over the server's. */
    public static ModelDefaults of(ModelConfig.Defaults file, int fasterChannels) {
        return new ModelDefaults(
                file.method() == null ? Method.SCORE_CAM : Method.valueOf(file.method()),
                file.convention() == null ? Convention.SEED : Convention.valueOf(file.convention()),
                file.maxChannels() == null ? fasterChannels : file.maxChannels(),
                file.topK() == null ? 1 : file.topK());
    }
}
