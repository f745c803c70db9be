package io.scorecam.cli.replay;

import io.scorecam.cli.source.Frame;
import io.scorecam.api.v1.ExplainResponse;

/** Told about every answered frame, from gRPC's callback threads (several streams at once). */
@FunctionalInterface
public interface AnswerListener {
    /**
     * @param stream       0-based stream number
     * @param loop         0-based pass over the folder
     * @param frame        the frame that was sent
     * @param response     the server's answer
     * @param latencyNanos from handing the request to gRPC to receiving the answer
     */
    void answered(int stream, int loop, Frame frame, ExplainResponse response, long latencyNanos);
}
