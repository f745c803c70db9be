package io.scorecam.server.tracing;

import io.opentelemetry.context.Context;

/**
 * The trace context of one gRPC call, taken once from its metadata (a stream's metadata arrives once): every
 * frame span of the call is a child of it. {@link #NONE} when tracing is off.
 */
public final class CallTrace {
    public static final CallTrace NONE = new CallTrace(Context.root());

    final Context parent;

    CallTrace(Context parent) {
        this.parent = parent;
    }
}
