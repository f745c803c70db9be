package io.scorecam.server.stream;

import io.vertx.grpc.common.GrpcStatus;

/** Call-level failures (the whole call ends), with messages that name the problem. */
final class CallErrors {
    private CallErrors() {
    }

    record Status(GrpcStatus status, String message) {
    }

    /** Message {@code index} is {@code size} bytes on the wire (unsigned), above --max-message-bytes. */
    static Status tooLarge(long index, long size, long maxMessageBytes) {
        return new Status(GrpcStatus.RESOURCE_EXHAUSTED, "message " + index + " of " + Long.toUnsignedString(size)
                + " bytes is larger than the server's limit of " + maxMessageBytes + " bytes (--max-message-bytes)");
    }

    /** A gzip message that inflates past --max-message-bytes (the bound holds while inflating). */
    static Status inflatesTooLarge(long index, long compressedSize, long maxMessageBytes) {
        return new Status(GrpcStatus.RESOURCE_EXHAUSTED, "message " + index + " (" + compressedSize
                + " bytes gzip) inflates to more than the server's limit of " + maxMessageBytes
                + " bytes (--max-message-bytes)");
    }
}
