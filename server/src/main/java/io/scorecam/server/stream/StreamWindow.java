package io.scorecam.server.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The window of one stream as a pure state machine: no I/O, no threads, no Vert.x. {@link StreamSession}
 * feeds it events (a frame arrived, a frame was answered, the input ended, the write queue filled up) and
 * acts on what it asks for (frames to submit, frames to write, whether to keep reading, how the call ends).
 *
 * <p>Invariants: every accepted frame is handed out for writing exactly once, in arrival order; at most
 * {@code window} frames are submitted, unwritten and not yet released at a time, and at most {@code 2 x window}
 * submitted and unwritten in all (a frame keeps a slot until it is written, so out-of-order completions cannot
 * pile up); LATEST's default window holds at most 2 in all. A frame is released when the engine has taken all
 * its work ({@link #release}): it only runs to its end now, so the next frame may start its decode and feature
 * pass meanwhile (no idle engine between two frames of one stream, and no second frame competing with the first
 * for the whole of its time). BLOCK stops reading while the window is full; LATEST keeps reading and keeps only
 * the newest waiting frame (the replaced one is answered SKIPPED by the caller).
 *
 * <p>LATEST with the default window (0) runs at most two frames: the next one starts in the tail of the one in
 * flight (once released), and also beside it from its start while the stream's {@link OverlapGate} says that
 * two frames in flight cost little more than one (measured on this stream's own frames, with the clock given).
 * With a window configured LATEST runs exactly that many frames and never releases early.
 *
 * @param <F> what the caller keeps per frame
 * @param <R> the answer to a frame
 */
final class StreamWindow<F, R> {

    /** How the call should end now, if at all. */
    enum Ending {
        /** Frames are still unanswered, or more may come. */
        NONE,
        /** The client half-closed and every frame is answered: end OK. */
        COMPLETED,
        /** Draining for shutdown and every frame taken is answered: end UNAVAILABLE. */
        DRAINED,
        /** Input stopped on a fault (see {@link #fault}) and every frame read before it is answered. */
        FAULTED
    }

    /** One frame taken from the stream. */
    static final class Slot<F, R> {
        private final F frame;
        private boolean submitted;
        private boolean released;
        private boolean skipped;
        /** Another frame of this stream ran beside this one from that one's start (see {@link OverlapGate}). */
        private boolean overlapped;
        /** Started in another frame's tail: a time that measures neither of the gate's modes. */
        private boolean inTail;
        private long submittedNanos;
        private R answer;

        private Slot(F frame) {
            this.frame = frame;
        }

        F frame() {
            return frame;
        }

        /** Went to the processor (rather than being skipped). */
        boolean submitted() {
            return submitted;
        }

        R answer() {
            return answer;
        }
    }

    /** BLOCK's window when none is configured: one frame decoding while one runs keeps the engine busy. */
    static final int DEFAULT_BLOCK_WINDOW = 2;
    /**
     * LATEST's: a camera wants each answer soonest, so at most two frames, released or not. The next frame
     * starts in the tail of the one in flight; and beside it from its start while the stream's
     * {@link OverlapGate} measured that this costs a frame little time (a lone frame leaves a core idle when its
     * decode, feature pass, scoring and encode run one after the other). On a method whose lone frame already
     * fills the engine two frames from the start cost about twice as long each, so they only meet in the tail.
     */
    static final int DEFAULT_LATEST_WINDOW = 2;

    /** As configured; 0: chosen by the policy when the first frame arrives. */
    private final int configured;
    private int window;
    private final int skippedBacklogLimit;
    /** Every frame taken and not yet written, in arrival order. */
    private final ArrayDeque<Slot<F, R>> order = new ArrayDeque<>();
    /** Frames taken but not submitted (window full). LATEST keeps at most one. */
    private final ArrayDeque<Slot<F, R>> waiting = new ArrayDeque<>();
    private int active;
    private int released;
    private int skippedPending;
    private Boolean latest;
    private boolean inputEnded;
    private boolean draining;
    private boolean faulted;
    private boolean writeBlocked;
    private boolean finished;
    private final LongSupplier clock;
    /** LATEST with the default window: decides how the next frame starts, from measured frame times; else null. */
    private OverlapGate gate;
    /** Frames LATEST started beside another one from that one's start (for the stream's end line). */
    private int earlyStarts;
    /** Frames LATEST started in another's tail (for the stream's end line). */
    private int tailStarts;
    /**
     * The gate's answer for the next start while a frame is in flight, or null: asked once per start (each
     * question counts toward its probing, and a waiting frame is looked at again as frames are released).
     */
    private OverlapGate.Start nextStart;

    /** As {@link #StreamWindow(int, int, LongSupplier)} on {@link System#nanoTime}. */
    StreamWindow(int window, int skippedBacklogLimit) {
        this(window, skippedBacklogLimit, System::nanoTime);
    }

    /**
     * @param window              frames submitted and unwritten at a time; 0: {@link #DEFAULT_BLOCK_WINDOW} or
     *                            {@link #DEFAULT_LATEST_WINDOW} by the stream's policy
     * @param skippedBacklogLimit LATEST: SKIPPED answers that may wait behind a slow frame before reading stops
     * @param clock               nanoseconds, for the frame times LATEST's default window is derived from
     */
    StreamWindow(int window, int skippedBacklogLimit, LongSupplier clock) {
        if (window < 0 || skippedBacklogLimit < 1) {
            throw new IllegalArgumentException("window must be >= 0 and backlog limit positive");
        }
        this.configured = window;
        this.window = window > 0 ? window : DEFAULT_BLOCK_WINDOW;
        this.skippedBacklogLimit = skippedBacklogLimit;
        this.clock = clock;
    }

    /**
     * A frame arrived. The first frame fixes the policy for the whole stream.
     *
     * @return the waiting frame it replaced under LATEST (answer it SKIPPED with {@link #answer}), or null
     */
    Slot<F, R> accept(F frame, boolean latestPolicy) {
        if (finished) {
            throw new IllegalStateException("frame accepted after the call finished");
        }
        if (latest == null) {
            latest = latestPolicy;
            if (configured == 0) {
                window = latest ? DEFAULT_LATEST_WINDOW : DEFAULT_BLOCK_WINDOW;
                gate = latest ? new OverlapGate() : null;
            }
        }
        Slot<F, R> replaced = null;
        if (latest && !waiting.isEmpty() && slotsFull()) {
            replaced = waiting.pollFirst();
            replaced.skipped = true;
            skippedPending++;
        }
        Slot<F, R> slot = new Slot<>(frame);
        order.addLast(slot);
        waiting.addLast(slot);
        return replaced;
    }

    /** The next frame to hand to the processor now, or null; it holds a window slot until written or released. */
    Slot<F, R> nextToSubmit() {
        if (!canSubmit()) {
            return null;
        }
        Slot<F, R> slot = waiting.pollFirst();
        slot.submitted = true;
        slot.submittedNanos = clock.getAsLong();
        boolean beside = false;
        boolean besideATail = false;
        for (Slot<F, R> s : order) {
            if (s.submitted && s.answer == null && s != slot) {
                if (s.released) {
                    besideATail = true; // it only runs to its end
                } else {
                    s.overlapped = true; // both share the engine for most of their time
                    beside = true;
                }
            }
        }
        slot.overlapped = beside;
        slot.inTail = besideATail && !beside;
        if (gate != null) {
            earlyStarts += beside ? 1 : 0;
            tailStarts += slot.inTail ? 1 : 0;
        }
        active++;
        nextStart = null;
        return slot;
    }

    /**
     * The engine has taken all of a submitted frame's work: under BLOCK its slot opens for the next frame (it
     * is still written in order, and counts toward the hard bound of 2 x window until then). Idempotent; ignored
     * for a frame already written. Under LATEST only with the default window, and never past its two frames in
     * flight: the frame only runs to its end now, so the next one's decode and feature pass fill the engine
     * meanwhile; with a window configured LATEST runs exactly that many frames.
     */
    void release(Slot<F, R> slot) {
        if (!slot.submitted || slot.released || !order.contains(slot)
                || (Boolean.TRUE.equals(latest) && gate == null)) {
            return;
        }
        slot.released = true;
        active--;
        released++;
    }

    /** A submitted (or skipped) frame has its answer. */
    void answer(Slot<F, R> slot, R answer) {
        if (slot.answer == null && slot.submitted && gate != null && (slot.overlapped || !slot.inTail)) {
            gate.record(clock.getAsLong() - slot.submittedNanos, slot.overlapped);
        }
        slot.answer = answer;
    }

    /**
     * For the stream's end line: how LATEST's default window overlapped frames (median server ms of a frame alone
     * and of one that overlapped another, how many started beside another and how many in another's tail, how
     * often the gate changed its mind); empty for BLOCK or a configured window.
     */
    Map<String, Object> overlapFields() {
        if (gate == null) {
            return Map.of();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("latest_alone_ms", roundMs(gate.aloneMs()));
        f.put("latest_overlapped_ms", roundMs(gate.overlappedMs()));
        f.put("latest_early_starts", earlyStarts);
        f.put("latest_tail_starts", tailStarts);
        f.put("latest_gate_changes", gate.changes());
        return f;
    }

    private static double roundMs(double ms) {
        return Double.isNaN(ms) ? -1 : Math.round(ms * 100) / 100.0;
    }

    /** LATEST's default window: whether its measurements currently let a second frame run beside the first. */
    boolean overlapping() {
        return gate != null && gate.overlapPays();
    }

    /** The next frame whose answer may be written now (the oldest, once answered), or null. */
    Slot<F, R> nextToWrite() {
        Slot<F, R> head = order.peekFirst();
        if (head == null || head.answer == null) {
            return null;
        }
        order.pollFirst();
        if (head.released) {
            released--;
        } else if (head.submitted) {
            active--;
        } else {
            skippedPending--;
        }
        return head;
    }

    /** True when a frame could be submitted right now (the caller should settle again). */
    boolean canSubmit() {
        return !finished && !waiting.isEmpty() && !slotsFull();
    }

    /**
     * No frame may be submitted now: the window is full, or released frames reached the hard bound. LATEST's
     * default window holds at most its two frames, released or not, and starts a frame while another is in flight
     * only as the gate says (beside it, in its tail, or not before it is answered); call only with a frame
     * waiting.
     */
    private boolean slotsFull() {
        if (gate == null) {
            return active >= window || active + released >= 2 * window;
        }
        if (active + released >= window) {
            return true;
        }
        boolean running = false;
        boolean unreleased = false;
        for (Slot<F, R> s : order) {
            if (s.submitted && s.answer == null) {
                running = true;
                unreleased |= !s.released;
            }
        }
        if (!running) {
            return false;
        }
        if (nextStart == null) {
            nextStart = gate.nextStart();
        }
        return switch (nextStart) {
            case ALONE -> true;
            case TAIL -> unreleased;
            case BESIDE -> false;
        };
    }

    /** The client half-closed its side. */
    void inputEnded() {
        inputEnded = true;
    }

    /** Shutdown: stop reading; end once the frames taken are answered. */
    void drain() {
        draining = true;
    }

    /** The input broke (oversize or unparseable message...): stop reading; end once earlier frames are answered. */
    void fault() {
        faulted = true;
    }

    void writeBlocked(boolean blocked) {
        writeBlocked = blocked;
    }

    /** How the call should end now. */
    Ending ending() {
        if (finished || !order.isEmpty()) {
            return Ending.NONE;
        }
        if (faulted) {
            return Ending.FAULTED;
        }
        if (inputEnded) {
            return Ending.COMPLETED;
        }
        return draining ? Ending.DRAINED : Ending.NONE;
    }

    /** Whether the caller should be reading the request stream. */
    boolean wantsInput() {
        if (finished) {
            return false;
        }
        boolean full = Boolean.TRUE.equals(latest) ? skippedPending >= skippedBacklogLimit : slotsFull();
        return !(full || writeBlocked || draining || faulted);
    }

    /** Frames taken and not yet written. */
    int unanswered() {
        return order.size();
    }

    boolean finished() {
        return finished;
    }

    /**
     * The call is over (ended or reset). Waiting frames are dropped; submitted ones stay until their answers
     * come back and are handed out by {@link #nextToWrite} (so the caller can account for them), but nothing
     * new is submitted.
     *
     * @return every frame taken and not yet written (to cancel)
     */
    List<F> finish() {
        finished = true;
        List<F> taken = new ArrayList<>(order.size());
        for (Slot<F, R> s : order) {
            taken.add(s.frame);
        }
        order.removeAll(waiting);
        waiting.clear();
        return taken;
    }
}
