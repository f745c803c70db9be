package io.scorecam.server.logging;

import io.scorecam.server.config.LogLevel;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stdout nobody reads (a full pipe: the soak test's server hung here, its event loop blocked in println)
 * must not block the callers of {@link EventLog#write}, which are event loops: lines are dropped and
 * counted instead, and once stdout moves again an {@code events_dropped} line says how many.
 */
class EventLogBlockedStdoutTest {

    /** An output that blocks every write until opened, like a pipe whose reader stopped. */
    private static final class StuckOutput extends OutputStream {
        final CountDownLatch open = new CountDownLatch(1);
        final StringBuilder written = new StringBuilder();

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (written) {
                written.append(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void writersNeverBlockOnAStuckStdoutAndDropsAreReported() {
        PrintStream stdout = System.out;
        StuckOutput stuck = new StuckOutput();
        System.setOut(new PrintStream(stuck, true, StandardCharsets.UTF_8));
        EventLog log = new EventLog(LogLevel.INFO);
        int lines = EventLog.QUEUE_LINES * 3;
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < lines; i++) {
                    log.write(LogLevel.INFO, "stream_end", Map.of("stream_id", i));
                }
            }, "EventLog.write blocked on a stdout nobody reads");
            long dropped = log.dropped();
            // one line may be in the writer's hands, QUEUE_LINES wait in the queue: the rest are dropped
            assertTrue(dropped >= lines - EventLog.QUEUE_LINES - 1 && dropped < lines, "dropped " + dropped);
            stuck.open.countDown();
            long until = System.nanoTime() + 10_000_000_000L;
            while (log.pending() > 0 && System.nanoTime() < until) {
                Thread.onSpinWait(); // the queued lines reach stdout
            }
            log.write(LogLevel.INFO, "after", Map.of());
            log.close();
        } finally {
            stuck.open.countDown();
            System.setOut(stdout);
        }
        String text;
        synchronized (stuck.written) {
            text = stuck.written.toString();
        }
        assertTrue(text.contains("\"event\":\"events_dropped\""), "the drop is reported");
        assertTrue(text.contains("\"event\":\"after\""), "writing resumes once stdout moves");
        long written = text.lines().filter(l -> l.contains("\"event\":\"stream_end\"")).count();
        assertEquals(lines, written + sumDropped(text), "every line is either written or counted as dropped");
    }

    private static long sumDropped(String text) {
        return text.lines().filter(l -> l.contains("events_dropped"))
                .mapToLong(l -> Long.parseLong(l.replaceAll(".*\"count\":(\\d+).*", "$1"))).sum();
    }
}
