package io.scorecam.server.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.scorecam.server.config.LogLevel;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's structured events: one JSON object per line on stdout (the human-oriented logs go to stderr),
 * so a log shipper can parse every line. Written for each failed frame and each ended call; --log-level
 * filters them like any log line. Fields: {@code ts}, {@code level}, {@code event}, then the event's own.
 *
 * <p>Lines are written by one daemon thread from a bounded queue, never by the caller: the callers are event
 * loops, and a stdout nobody reads (a full pipe, a stalled log shipper) must not stop the server. When the
 * queue is full a line is dropped and counted; the next line written is preceded by an
 * {@code events_dropped} line with the count.
 */
public final class EventLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Lines that may wait for stdout (~1 MB of typical lines) before new ones are dropped. */
    static final int QUEUE_LINES = 4096;

    private final LogLevel threshold;
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor writer;

    public EventLog(LogLevel threshold) {
        this.threshold = threshold;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_LINES),
                r -> {
                    Thread t = new Thread(r, "scorecam-event-log");
                    t.setDaemon(true);
                    return t;
                }, (r, pool) -> dropped.incrementAndGet());
    }

    /** Lines dropped so far because stdout did not keep up. */
    public long dropped() {
        return dropped.get();
    }

    /** Lines waiting for stdout. */
    int pending() {
        return writer.getQueue().size();
    }

    /** Writes the lines already queued (waits at most {@code 2 s}), then stops writing. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean enabled(LogLevel level) {
        return threshold.allows(level);
    }

    /** Writes one event line when {@code level} passes the threshold; {@code fields} keep their order. */
    public void write(LogLevel level, String event, Map<String, Object> fields) {
        if (!enabled(level)) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("level", level.name());
        line.put("event", event);
        line.putAll(fields);
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"level\":\"ERROR\",\"event\":\"log_failed\",\"message\":" + JSON.getNodeFactory()
                    .textNode(String.valueOf(e.getMessage())) + "}";
        }
        String out = text;
        try {
            writer.execute(() -> print(out));
        } catch (RejectedExecutionException e) {
            dropped.incrementAndGet(); // closed
        }
    }

    private void print(String text) {
        long lost = dropped.getAndSet(0);
        // System.out is looked up per line (tests redirect it)
        if (lost > 0) {
            System.out.println("{\"ts\":\"" + Instant.now() + "\",\"level\":\"WARN\",\"event\":\"events_dropped\","
                    + "\"count\":" + lost + "}");
        }
        System.out.println(text);
    }
}
