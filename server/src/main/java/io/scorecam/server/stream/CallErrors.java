package io.scorecam.server.stream;

import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.MessageSizeOverflowException;

/** Call-level failures (the whole call ends), with messages that name the problem. */
final class CallErrors {
    private CallErrors() {
    }

    record Status(GrpcStatus status, String message) {
    }

    static Status invalidMessage(InvalidMessageException e, long maxMessageBytes) {
        if (e instanceof MessageSizeOverflowException o) {
            return new Status(GrpcStatus.RESOURCE_EXHAUSTED, "message of " + o.messageSize()
                    + " bytes is larger than the server's limit of " + maxMessageBytes
                    + " bytes (--max-message-bytes)");
        }
        return new Status(GrpcStatus.INVALID_ARGUMENT, "message could not be parsed: " + e.getMessage());
    }
}
