package io.scorecam.server.engine.api;

import io.scorecam.server.errors.Echo;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;

import java.util.Collection;

/** The one wording of "this server does not serve that model", for the engine and the gRPC layer alike. */
public final class ModelLeases {
    private ModelLeases() {
    }

    /** NOT_FOUND naming the model asked for (empty: the default one) and the models served. */
    public static ScoreCamException notFound(String requested, Collection<String> served) {
        if (requested == null || requested.isEmpty()) {
            return new ScoreCamException(ErrorCode.NOT_FOUND, "no default model is served; this server serves " + served);
        }
        return new ScoreCamException(ErrorCode.NOT_FOUND, "unknown model '" + Echo.of(requested)
                + "'; this server serves " + served);
    }
}
