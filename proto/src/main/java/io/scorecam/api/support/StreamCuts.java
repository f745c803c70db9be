package io.scorecam.api.support;

import io.grpc.Status;

/**
 * When a client may replace a failed stream with a new one (--reconnect): its server went away or is draining
 * (UNAVAILABLE), or the stream was cut below gRPC. Behind an HTTP/2 proxy (HAProxy 2.6) a replica killed with
 * SIGKILL ends its streams with an empty DATA frame and no gRPC trailers, which grpc-java reports as INTERNAL
 * "Received unexpected EOS on empty DATA frame from server"; an RST_STREAM from the proxy reads as INTERNAL
 * "Received Rst Stream". Every other status is the server's own answer and is not retried.
 */
public final class StreamCuts {
    private StreamCuts() {
    }

    public static boolean replaceable(Status status) {
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            return true;
        }
        String d = status.getDescription();
        return status.getCode() == Status.Code.INTERNAL && d != null
                && (d.contains("unexpected EOS") || d.contains("Rst Stream"));
    }
}
