package io.scorecam.server.stream;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.scorecam.server.errors.Echo;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Turns the raw gRPC messages of one call into protobuf messages, in order, with every transport fault
 * named. Replaces Vert.x's own decoding, which inflates gzip on the event loop with no size bound and
 * answers an unparseable message with a bare RST_STREAM:
 * <ul>
 *   <li>gzip inflates on the {@code inflater} executor, never on the event loop, and stops as soon as the
 *       output passes {@code --max-message-bytes} (RESOURCE_EXHAUSTED);</li>
 *   <li>a message that is not valid protobuf, or has the compressed flag without a grpc-encoding header
 *       ({@link CallGate#NO_ENCODING}), is a fault (INVALID_ARGUMENT / INTERNAL);</li>
 *   <li>a message over the wire limit (Vert.x skips it) is a fault (RESOURCE_EXHAUSTED).</li>
 * </ul>
 * After a fault nothing more is delivered; the sink decides when to end the call (a stream first answers
 * the frames read before). The end of input is delivered after every message before it. Event loop only.
 */
final class MessageReader<T> {

    /** What the call does with the messages. */
    interface Sink<T> {
        void message(T message);

        /** The input is unusable from here on; {@code status} names why. */
        void fault(CallErrors.Status status);

        /** The client half-closed, after every message was delivered. */
        void end();

        /** {@link #busy()} may have changed (an inflate started or finished): re-check whether to read. */
        default void changed() {
        }
    }

    private final Parser<T> parser;
    private final String typeName;
    private final long maxMessageBytes;
    private final Executor inflater;
    private final CallLifecycle call;
    /** {@link GrpcMessage}s, or a {@link MessageSizeOverflowException} where Vert.x skipped an oversize one. */
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private Sink<T> sink;
    private boolean inflating;
    private boolean ended;
    private boolean faulted;
    private long count;

    MessageReader(Parser<T> parser, String typeName, long maxMessageBytes, Executor inflater, CallLifecycle call) {
        this.parser = parser;
        this.typeName = typeName;
        this.maxMessageBytes = maxMessageBytes;
        this.inflater = inflater;
        this.call = call;
    }

    /** Installs the message, invalid-message and end handlers on {@code request}. */
    void start(GrpcServerRequest<?, ?> request, Sink<T> sink) {
        this.sink = sink;
        request.messageHandler(msg -> {
            queue.addLast(msg);
            pump();
        });
        // Vert.x reports an oversize message as soon as it sees its length: queue it behind earlier messages
        request.invalidMessageHandler(e -> {
            queue.addLast(e);
            pump();
        });
        request.endHandler(v -> {
            ended = true;
            pump();
        });
    }

    /** True while a message is being inflated or waits behind one: the caller should not read more. */
    boolean busy() {
        return inflating || !queue.isEmpty();
    }

    /** Messages seen so far (delivered or not). */
    long count() {
        return count;
    }

    private void pump() {
        drainQueue();
        sink.changed();
    }

    private void drainQueue() {
        while (!inflating && !faulted && !call.finished()) {
            Object next = queue.pollFirst();
            if (next == null) {
                if (ended) {
                    ended = false;
                    sink.end();
                }
                return;
            }
            long index = ++count;
            if (!(next instanceof GrpcMessage msg)) {
                fail(next instanceof MessageSizeOverflowException o
                        ? CallErrors.tooLarge(index, o.messageSize(), maxMessageBytes)
                        : new CallErrors.Status(GrpcStatus.INVALID_ARGUMENT, "message " + index + " is invalid: "
                        + Echo.of(String.valueOf(((Exception) next).getMessage()))));
                return;
            }
            switch (msg.encoding()) {
                case "identity" -> parse(index, msg.payload());
                case "gzip" -> inflate(index, msg.payload().getBytes());
                case CallGate.NO_ENCODING -> fail(new CallErrors.Status(GrpcStatus.INTERNAL, "message " + index
                        + " has the compressed flag set but the call has no grpc-encoding header"));
                default -> fail(new CallErrors.Status(GrpcStatus.UNIMPLEMENTED, "message " + index
                        + " is compressed with '" + Echo.of(msg.encoding()) + "'; this server reads gzip or identity"));
            }
        }
    }

    private void inflate(long index, byte[] compressed) {
        inflating = true;
        CompletableFuture<byte[]> done;
        try {
            done = CompletableFuture.supplyAsync(() -> BoundedGzip.inflate(compressed, maxMessageBytes), inflater);
        } catch (RejectedExecutionException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((bytes, err) -> call.onContext(() -> {
            inflating = false;
            if (err != null) {
                Throwable cause = err.getCause() != null ? err.getCause() : err;
                fail(cause instanceof BoundedGzip.TooLargeException
                        ? CallErrors.inflatesTooLarge(index, compressed.length, maxMessageBytes)
                        : new CallErrors.Status(GrpcStatus.INVALID_ARGUMENT, "message " + index
                        + " is not valid gzip: " + Echo.of(String.valueOf(cause.getMessage()))));
            } else {
                parse(index, BufferInternal.buffer(Unpooled.wrappedBuffer(bytes))); // the inflater's own output
            }
            pump();
        }));
    }

    private void parse(long index, Buffer payload) {
        if (faulted || call.finished()) {
            return;
        }
        T message;
        try {
            message = parseShared(parser, payload);
        } catch (InvalidProtocolBufferException e) {
            fail(new CallErrors.Status(GrpcStatus.INVALID_ARGUMENT, "message " + index + " (" + payload.length()
                    + " bytes) is not a valid " + typeName + ": " + Echo.of(e.getMessage())));
            return;
        }
        sink.message(message);
    }

    /**
     * Parses {@code payload} so that its bytes fields (a frame's pixels) share the payload's array instead of
     * copying it: two copies fewer per frame on the event loop than {@code parseFrom(payload.getBytes())}. A
     * 224x224 raw frame is 150 KB, a live source at 300 frames/s 45 MB/s per copy, all of it read even when
     * LATEST skips the frame. Sound because the payload is this message's own: Vert.x's deframer slices it out
     * of a heap copy of the HTTP/2 data and never writes that array again (it goes on with a copy of the rest);
     * an inflated message is the inflater's fresh output.
     */
    static <T> T parseShared(Parser<T> parser, Buffer payload) throws InvalidProtocolBufferException {
        ByteBuf buf = payload instanceof BufferInternal internal ? internal.getByteBuf() : null;
        if (buf != null && buf.hasArray()) {
            return parseShared(parser, buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        byte[] bytes = payload.getBytes();
        return parseShared(parser, bytes, 0, bytes.length);
    }

    /**
     * Parses bytes nobody writes again, its bytes fields sharing them. Protobuf aliases only input it was told
     * is immutable: hence {@code unsafeWrap(..).newCodedInput()}, as {@code CodedInputStream.newInstance(byte[])}
     * copies every bytes field even with aliasing enabled.
     */
    private static <T> T parseShared(Parser<T> parser, byte[] bytes, int offset, int length) throws InvalidProtocolBufferException {
        CodedInputStream in = UnsafeByteOperations.unsafeWrap(bytes, offset, length).newCodedInput();
        in.enableAliasing(true);
        T message = parser.parseFrom(in);
        in.checkLastTagWas(0);
        return message;
    }

    private void fail(CallErrors.Status status) {
        if (faulted || call.finished()) {
            return;
        }
        faulted = true;
        queue.clear();
        sink.fault(status);
    }
}
