package io.scorecam.server.stream;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The window's rules, driven by hand: no Vert.x, no threads. */
class StreamWindowTest {

    private static List<StreamWindow.Slot<Integer, String>> submitAll(StreamWindow<Integer, String> w) {
        List<StreamWindow.Slot<Integer, String>> out = new ArrayList<>();
        for (var s = w.nextToSubmit(); s != null; s = w.nextToSubmit()) {
            out.add(s);
        }
        return out;
    }

    private static List<String> writeAll(StreamWindow<Integer, String> w) {
        List<String> out = new ArrayList<>();
        for (var s = w.nextToWrite(); s != null; s = w.nextToWrite()) {
            out.add(s.answer());
        }
        return out;
    }

    @Test
    void blockSubmitsAtMostWindowFramesAndStopsReadingWhenFull() {
        StreamWindow<Integer, String> w = new StreamWindow<>(2, 8);
        assertTrue(w.wantsInput());
        for (int i = 0; i < 3; i++) {
            assertNull(w.accept(i, false));
        }
        var submitted = submitAll(w);
        assertEquals(List.of(0, 1), submitted.stream().map(StreamWindow.Slot::frame).toList());
        assertFalse(w.wantsInput(), "BLOCK stops reading while the window is full");
        assertFalse(w.canSubmit());
    }

    @Test
    void answersAreWrittenInArrivalOrderAndAFrameKeepsItsSlotUntilWritten() {
        StreamWindow<Integer, String> w = new StreamWindow<>(2, 8);
        w.accept(0, false);
        w.accept(1, false);
        w.accept(2, false);
        var s = submitAll(w);
        w.answer(s.get(1), "a1"); // completes out of order
        assertEquals(List.of(), writeAll(w), "frame 1 waits for frame 0");
        assertNull(w.nextToSubmit(), "frame 1 still holds its slot: nothing piles up behind frame 0");
        w.answer(s.get(0), "a0");
        assertEquals(List.of("a0", "a1"), writeAll(w));
        var next = submitAll(w);
        assertEquals(List.of(2), next.stream().map(StreamWindow.Slot::frame).toList());
        assertTrue(w.wantsInput());
    }

    @Test
    void latestKeepsOnlyTheNewestWaitingFrameAndAnswersTheRestSkipped() {
        StreamWindow<Integer, String> w = new StreamWindow<>(1, 8);
        assertNull(w.accept(0, true));
        var first = submitAll(w);
        assertNull(w.accept(1, false), "the first frame fixed the policy: LATEST");
        var replaced = w.accept(2, false);
        assertNotNull(replaced);
        assertEquals(1, replaced.frame());
        assertFalse(replaced.submitted());
        w.answer(replaced, "skip1");
        assertTrue(w.wantsInput(), "LATEST keeps reading while the window is full");
        w.answer(first.get(0), "a0");
        assertEquals(List.of("a0", "skip1"), writeAll(w));
        assertEquals(List.of(2), submitAll(w).stream().map(StreamWindow.Slot::frame).toList());
    }

    @Test
    void latestStopsReadingWhenTooManySkippedAnswersWaitBehindASlowFrame() {
        StreamWindow<Integer, String> w = new StreamWindow<>(1, 3);
        w.accept(0, true);
        submitAll(w);
        for (int i = 1; i <= 4; i++) {
            var r = w.accept(i, true);
            if (r != null) {
                w.answer(r, "skip");
            }
        }
        assertEquals(5, w.unanswered());
        assertFalse(w.wantsInput(), "3 SKIPPED answers wait behind frame 0");
    }

    @Test
    void endsOkOnlyOnceEveryFrameIsWrittenAfterHalfClose() {
        StreamWindow<Integer, String> w = new StreamWindow<>(2, 8);
        w.accept(0, false);
        var s = submitAll(w);
        w.inputEnded();
        assertEquals(StreamWindow.Ending.NONE, w.ending());
        w.answer(s.get(0), "a0");
        assertEquals(StreamWindow.Ending.NONE, w.ending(), "not yet written");
        writeAll(w);
        assertEquals(StreamWindow.Ending.COMPLETED, w.ending());
    }

    @Test
    void drainStopsReadingAndEndsWhenTheFramesTakenAreAnswered() {
        StreamWindow<Integer, String> w = new StreamWindow<>(2, 8);
        w.accept(0, false);
        var s = submitAll(w);
        w.drain();
        assertFalse(w.wantsInput());
        assertEquals(StreamWindow.Ending.NONE, w.ending());
        w.answer(s.get(0), "a0");
        writeAll(w);
        assertEquals(StreamWindow.Ending.DRAINED, w.ending());
    }

    @Test
    void aFaultStopsReadingAndEndsOnlyAfterTheEarlierFramesAreAnswered() {
        StreamWindow<Integer, String> w = new StreamWindow<>(4, 8);
        w.accept(0, false);
        w.accept(1, false);
        var s = submitAll(w);
        w.fault();
        assertFalse(w.wantsInput());
        w.answer(s.get(1), "a1");
        w.answer(s.get(0), "a0");
        assertEquals(StreamWindow.Ending.NONE, w.ending());
        assertEquals(List.of("a0", "a1"), writeAll(w));
        assertEquals(StreamWindow.Ending.FAULTED, w.ending());
    }

    @Test
    void aBlockedWriterStopsReading() {
        StreamWindow<Integer, String> w = new StreamWindow<>(2, 8);
        w.writeBlocked(true);
        assertFalse(w.wantsInput());
        w.writeBlocked(false);
        assertTrue(w.wantsInput());
    }

    @Test
    void finishDropsWaitingFramesReturnsEveryUnwrittenOneAndStillReleasesSubmittedOnes() {
        StreamWindow<Integer, String> w = new StreamWindow<>(1, 8);
        w.accept(0, false);
        var s = submitAll(w);
        w.accept(1, false);
        assertEquals(List.of(0, 1), w.finish());
        assertTrue(w.finished());
        assertFalse(w.wantsInput());
        assertNull(w.nextToSubmit());
        assertEquals(StreamWindow.Ending.NONE, w.ending(), "a finished call never ends twice");
        w.answer(s.get(0), "late");
        var late = w.nextToWrite();
        assertSame(s.get(0), late, "the submitted frame is handed back so its slot is accounted for");
        assertNull(w.nextToWrite());
        assertThrows(IllegalStateException.class, () -> w.accept(2, false));
    }

    @Test
    void aReleasedFrameOpensItsSlotButIsStillWrittenInOrderAndTheHardBoundHolds() {
        StreamWindow<Integer, String> w = new StreamWindow<>(1, 8);
        for (int i = 0; i < 4; i++) {
            w.accept(i, false);
        }
        var first = submitAll(w);
        assertEquals(List.of(0), first.stream().map(StreamWindow.Slot::frame).toList());
        w.release(first.get(0)); // the engine took all of frame 0's work
        var second = submitAll(w);
        assertEquals(List.of(1), second.stream().map(StreamWindow.Slot::frame).toList(),
                "frame 1 starts while frame 0 runs to its end");
        w.release(second.get(0));
        assertNull(w.nextToSubmit(), "at most 2 x window frames unwritten, released or not");
        assertFalse(w.wantsInput());
        w.release(second.get(0)); // twice changes nothing
        assertNull(w.nextToSubmit());
        w.answer(second.get(0), "a1");
        assertEquals(List.of(), writeAll(w), "frame 1 waits for frame 0");
        w.answer(first.get(0), "a0");
        assertEquals(List.of("a0", "a1"), writeAll(w));
        assertEquals(List.of(2), submitAll(w).stream().map(StreamWindow.Slot::frame).toList(),
                "one unreleased frame at a time");
    }

    @Test
    void latestsDefaultWindowFirstRunsFramesAloneToMeasureOne() {
        StreamWindow<Integer, String> w = new StreamWindow<>(0, 8); // 0: by policy
        w.accept(0, true);
        var running = submitAll(w);
        assertEquals(1, running.size());
        assertNull(w.accept(1, true));
        var replaced = w.accept(2, true);
        assertEquals(1, replaced.frame(), "frame 0 holds the slot: the older waiting frame is skipped");
        w.answer(replaced, "skip");
        w.release(running.get(0));
        assertNull(w.nextToSubmit(), "no lone frame measured yet: not even in frame 0's tail");
        w.answer(running.get(0), "a0");
        assertEquals(List.of("a0", "skip"), writeAll(w));
        assertEquals(List.of(2), submitAll(w).stream().map(StreamWindow.Slot::frame).toList());
    }

    /** A stream clock the test moves by hand. */
    private static final class Clock implements java.util.function.LongSupplier {
        long nanos;

        @Override
        public long getAsLong() {
            return nanos;
        }
    }

    /** A frame in flight in {@link #runLatest}. */
    private static final class Running {
        final StreamWindow.Slot<Integer, String> slot;
        final long start;
        boolean taken;
        boolean overlapped;

        Running(StreamWindow.Slot<Integer, String> slot, long start) {
            this.slot = slot;
            this.start = start;
        }
    }

    /**
     * A LATEST stream whose source is always ahead (one frame waits whenever one could start), as a discrete-event
     * run: a frame's work is all taken {@code takenMs} after it starts; it is answered {@code aloneMs} after its
     * start when it ran alone or met another only in that one's tail, {@code overlappedMs} when another frame
     * ran beside it before its work was taken.
     *
     * @return {frames started, of which beside another before its work was taken, of which in another's tail}
     */
    private static int[] runLatest(StreamWindow<Integer, String> w, Clock clock, int frames, long takenMs,
                                   long aloneMs, long overlappedMs) {
        long ms = 1_000_000;
        int started = 0;
        int early = 0;
        int tail = 0;
        List<Running> running = new ArrayList<>();
        for (int next = 0; next < frames; next++) {
            var r = w.accept(next, true);
            if (r != null) {
                w.answer(r, "skip");
            }
            for (var s : submitAll(w)) {
                started++;
                Running begun = new Running(s, clock.nanos);
                List<Running> untaken = running.stream().filter(f -> !f.taken).toList();
                if (!untaken.isEmpty()) {
                    early++;
                    begun.overlapped = true;
                    untaken.forEach(f -> f.overlapped = true);
                } else if (!running.isEmpty()) {
                    tail++;
                }
                running.add(begun);
            }
            assertTrue(running.size() <= 2, "LATEST's default window: at most 2 frames in flight");
            Running first = null;
            long at = Long.MAX_VALUE;
            for (Running f : running) {
                long t = f.start + (f.taken ? (f.overlapped ? overlappedMs : aloneMs) : takenMs) * ms;
                if (t < at) {
                    at = t;
                    first = f;
                }
            }
            clock.nanos = Math.max(clock.nanos, at);
            if (first.taken) {
                w.answer(first.slot, "ok");
                running.remove(first);
                writeAll(w);
            } else {
                first.taken = true;
                w.release(first.slot);
            }
        }
        return new int[] {started, early, tail};
    }

    @Test
    void latestsDefaultWindowRunsASecondFrameFromItsStartOnceALoneFrameIsMeasured() {
        Clock clock = new Clock();
        StreamWindow<Integer, String> w = new StreamWindow<>(0, 8, clock);
        int frame = 0;
        for (int i = 0; i < OverlapGate.MIN_SAMPLES; i++) { // lone frames: their time is measured first
            w.accept(frame++, true);
            var alone = submitAll(w);
            assertEquals(1, alone.size());
            clock.nanos += 10_000_000;
            w.answer(alone.get(0), "a");
            writeAll(w);
        }
        w.accept(frame++, true);
        w.accept(frame, true);
        var both = submitAll(w);
        assertEquals(2, both.size(), "the second frame starts beside the first, before the first's work is taken");
        w.release(both.get(0));
        w.accept(frame + 1, true);
        assertNull(w.nextToSubmit(), "at most two frames in flight, released or not");
    }

    @Test
    void latestsDefaultWindowStartsASecondFrameEarlyWhenMeasuredOverlapIsCheap() {
        Clock clock = new Clock();
        StreamWindow<Integer, String> w = new StreamWindow<>(0, 1000, clock);
        int[] n = runLatest(w, clock, 2000, 3, 7, 8);
        assertTrue(w.overlapping(), "an overlapped frame took 8 ms vs 7 alone: overlap pays");
        assertTrue(n[1] > 0.3 * n[0], "frames start beside the previous one: " + n[1] + " of " + n[0]);
        assertTrue(n[1] + n[2] > 0.9 * n[0], "the others in its tail: " + n[2] + " of " + n[0]);
    }

    @Test
    void latestsDefaultWindowStartsFramesOnlyInTheTailWhenOverlapOnlyAddsLatency() {
        Clock clock = new Clock();
        StreamWindow<Integer, String> w = new StreamWindow<>(0, 1000, clock);
        int[] n = runLatest(w, clock, 2000, 3, 7, 14);
        assertFalse(w.overlapping(), "two frames at 14 ms each answer no more than one at 7");
        assertTrue(n[1] < 0.1 * n[0], "early starts only to re-measure: " + n[1] + " of " + n[0]);
        assertTrue(n[1] > 0, "it keeps probing, so a quieter machine can turn overlap back on");
        assertTrue(n[2] > 0.8 * n[0], "the next frame still starts in the tail: " + n[2] + " of " + n[0]);
    }

    @Test
    void latestWithAConfiguredWindowNeverStartsEarly() {
        Clock clock = new Clock();
        StreamWindow<Integer, String> w = new StreamWindow<>(1, 1000, clock);
        int[] n = runLatest(w, clock, 500, 3, 7, 8);
        assertEquals(0, n[1] + n[2], "--stream-window set: exactly that many frames in flight");
        assertFalse(w.overlapping());
    }

    @Test
    void blockDefaultsToTwoFramesInFlight() {
        StreamWindow<Integer, String> w = new StreamWindow<>(0, 8);
        for (int i = 0; i < 3; i++) {
            w.accept(i, false);
        }
        assertEquals(2, submitAll(w).size());
    }

    /** Random events: every frame is written exactly once, in order, and never more than window in flight. */
    @Test
    void randomInterleavingsKeepTheInvariants() {
        Random rnd = new Random(42);
        for (int run = 0; run < 200; run++) {
            int configured = rnd.nextInt(5); // 0: the policy's default window
            int size = configured == 0 ? 2 : configured;
            boolean latest = rnd.nextBoolean();
            StreamWindow<Integer, String> w = new StreamWindow<>(configured, 1000);
            List<StreamWindow.Slot<Integer, String>> inFlight = new ArrayList<>();
            java.util.Set<StreamWindow.Slot<Integer, String>> released = new java.util.HashSet<>();
            List<Integer> written = new ArrayList<>();
            int next = 0;
            int frames = 50;
            while (written.size() < frames) {
                if (next < frames && rnd.nextInt(3) > 0) {
                    var r = w.accept(next++, latest);
                    if (r != null) {
                        w.answer(r, "skip");
                    }
                } else if (!inFlight.isEmpty() && rnd.nextInt(3) == 0) {
                    var release = inFlight.get(rnd.nextInt(inFlight.size()));
                    w.release(release);
                    released.add(release);
                } else if (!inFlight.isEmpty()) {
                    var done = inFlight.remove(rnd.nextInt(inFlight.size()));
                    released.remove(done);
                    w.answer(done, "ok");
                }
                inFlight.addAll(submitAll(w));
                assertTrue(inFlight.size() - released.size() <= size, "more than " + size + " unreleased frames in flight");
                assertTrue(inFlight.size() <= 2 * size, "more than 2 x " + size + " frames in flight");
                for (var s = w.nextToWrite(); s != null; s = w.nextToWrite()) {
                    written.add(s.frame());
                }
                if (next == frames && inFlight.isEmpty() && !w.canSubmit() && written.size() < frames
                        && w.unanswered() == 0) {
                    break;
                }
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < frames; i++) {
                expected.add(i);
            }
            assertEquals(expected, written, "run " + run);
            w.inputEnded();
            assertEquals(StreamWindow.Ending.COMPLETED, w.ending());
        }
    }
}
