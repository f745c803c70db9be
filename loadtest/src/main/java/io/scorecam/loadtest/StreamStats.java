package io.scorecam.loadtest;

import io.scorecam.api.support.FaithfulnessMean;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Frame counts of one or more streams (thread-safe; streams of a run share one). */
public final class StreamStats {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong unsent = new AtomicLong();
    final AtomicLong unanswered = new AtomicLong();
    final AtomicLong streamFailures = new AtomicLong();
    final AtomicLong forwardPasses = new AtomicLong();
    final AtomicLong cacheHits = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong resent = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicReference<String> firstCut = new AtomicReference<>();
    final java.util.Queue<Long> lostIds = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final AtomicReference<String> firstError = new AtomicReference<>();
    final FaithfulnessMean faithfulness = new FaithfulnessMean();

    public long sent() {
        return sent.get();
    }

    public long ok() {
        return ok.get();
    }

    public long skipped() {
        return skipped.get();
    }

    public long errors() {
        return errors.get();
    }

    /** Frames whose send time came but that never left the client before the run ended (it was held back). */
    public long unsent() {
        return unsent.get();
    }

    /** Frames sent but not answered by the end of the drain. */
    public long unanswered() {
        return unanswered.get();
    }

    /** Streams that ended with a gRPC error instead of completing. */
    public long streamFailures() {
        return streamFailures.get();
    }

    /** Calls replaced after they ended UNAVAILABLE (--reconnect). */
    public long reconnects() {
        return reconnects.get();
    }

    /** How the first replaced call ended (e.g. "UNAVAILABLE: ..."), or null. */
    public String firstCut() {
        return firstCut.get();
    }

    /** Frames sent again on a new call because the old one died with them in flight. */
    public long resent() {
        return resent.get();
    }

    /** Answers for a frame id that was already answered (must stay 0: every frame is answered once). */
    public long duplicates() {
        return duplicates.get();
    }

    /** Ids of frames sent and never answered (the drain ended, or a call died with no reconnect left). */
    public java.util.List<Long> lostIds() {
        return java.util.List.copyOf(lostIds);
    }

    /** Mean forward passes of the OK frames. */
    public double meanPasses() {
        return ok.get() == 0 ? 0 : forwardPasses.get() / (double) ok.get();
    }

    /** OK frames that cost no forward pass (served from the frame cache). */
    public long cacheHits() {
        return cacheHits.get();
    }

    /** Faithfulness metrics of the OK frames' maps (when the run asked for them). */
    public FaithfulnessMean faithfulness() {
        return faithfulness;
    }

    /** The first error seen (frame ERROR or stream failure), or null. */
    public String firstError() {
        return firstError.get();
    }

    void error(String message) {
        firstError.compareAndSet(null, message);
    }
}
