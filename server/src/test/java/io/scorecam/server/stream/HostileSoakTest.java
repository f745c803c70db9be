package io.scorecam.server.stream;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: a bounded soak (~45 s) of hostile traffic against a server in its own JVM with a small heap:
 * gzip bombs, huge class lists, big frames, oversize messages, cancels, slow readers, next to well-behaved
 * streams. Asserts the server's resident memory stays under a stated bound, it never dies, and every frame
 * of the well-behaved and slow streams is answered exactly once, in order.
 */
class HostileSoakTest {
    static final String HEAP = "192m";
    /** Heap 192 MiB + netty direct memory (at most the heap size) + ~200 MB JVM (metaspace, JIT, threads). */
    static final long RSS_BOUND_MB = 600;
    private static final long SOAK_MS = Long.getLong("soak.ms", 45_000);

    private final AtomicLong framesSent = new AtomicLong();
    private final AtomicLong framesAnswered = new AtomicLong();
    private final AtomicLong hostileCalls = new AtomicLong();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final List<ManagedChannel> channels = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void rssStaysBoundedAndEveryFrameIsAnsweredOnce() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process server = new ProcessBuilder(java, "-Xmx" + HEAP, "-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=5000",
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                SoakServer.class.getName(), "--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--codec-threads=2", "--event-loops=1", "--max-message-bytes=8MiB", "--frame-memory=48MiB",
                "--admission-wait-ms=2000", "--stream-window=2", "--max-streams=32", "--max-classes=32")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        ManagedChannel channel = null;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream()));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("PORT "), "server did not start: " + line);
            int port = Integer.parseInt(line.substring(5).trim());
            // the server writes a JSON line per stream end on stdout: read them all, or the pipe fills
            AtomicLong eventLines = new AtomicLong();
            Thread drain = new Thread(() -> {
                try {
                    for (String l = out.readLine(); l != null; l = out.readLine()) {
                        eventLines.incrementAndGet();
                    }
                } catch (java.io.IOException ignored) {
                    // the server exited
                }
            }, "soak-server-stdout");
            drain.setDaemon(true);
            drain.start();
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            ExplainServiceGrpc.ExplainServiceStub async = ExplainServiceGrpc.newStub(channel);
            ExplainServiceGrpc.ExplainServiceBlockingStub blocking = ExplainServiceGrpc.newBlockingStub(channel);
            long end = System.currentTimeMillis() + SOAK_MS;
            byte[] bomb = gzipBomb(256 << 20);

            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                tasks.add(pool.submit(() -> loop(end, () -> wellBehavedStream(async, 20, 2))));
            }
            tasks.add(pool.submit(() -> loop(end, () -> slowReader(async))));
            tasks.add(pool.submit(() -> loop(end, () -> bombs(port, bomb))));
            tasks.add(pool.submit(() -> loop(end, () -> hugeClassList(blocking))));
            tasks.add(pool.submit(() -> loop(end, () -> wellBehavedStream(async, 3, 1500)))); // big frames
            // cancels and aborted calls reset streams: on their own connection, paced below the server's
            // rapid-reset guard (which would rightly close a connection resetting hundreds of streams a second)
            ManagedChannel own = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            channels.add(own);
            ExplainServiceGrpc.ExplainServiceStub hostile = ExplainServiceGrpc.newStub(own);
            tasks.add(pool.submit(() -> loop(end, () -> {
                cancels(hostile);
                Thread.sleep(200);
            })));
            // oversize messages on a third connection: a connection the guard closes mid-write (8.7 MB in
            // flight) shows the client a broken pipe, not the GOAWAY, and would hide a real failure here
            ManagedChannel big = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            channels.add(big);
            ExplainServiceGrpc.ExplainServiceStub oversized = ExplainServiceGrpc.newStub(big);
            tasks.add(pool.submit(() -> loop(end, () -> {
                oversize(oversized);
                Thread.sleep(200);
            })));

            long maxRssMb = 0;
            List<Long> samples = new ArrayList<>();
            while (System.currentTimeMillis() < end + 2000) {
                assertTrue(server.isAlive(), "the server died (out of memory?)");
                long rss = rssMb(server.pid());
                samples.add(rss);
                maxRssMb = Math.max(maxRssMb, rss);
                Thread.sleep(500);
            }
            for (Future<?> t : tasks) {
                t.get(60, TimeUnit.SECONDS);
            }
            assertTrue(server.isAlive(), "the server died");
            // still serving after the soak
            assertEquals(1, blocking.explain(Frames.frame(1).build()).getMapsCount());
            System.out.printf("SOAK: %d s, frames sent %d, answered %d, hostile calls %d, event lines %d, RSS max %d MB (bound %d MB),"
                            + " last %d MB, heap -Xmx%s%n", SOAK_MS / 1000, framesSent.get(), framesAnswered.get(),
                    hostileCalls.get(), eventLines.get(), maxRssMb, RSS_BOUND_MB, samples.get(samples.size() - 1), HEAP);
            assertTrue(problems.isEmpty(), problems.size() + " problem(s), first: " + problems.peek());
            assertEquals(framesSent.get(), framesAnswered.get(), "every frame answered exactly once");
            assertTrue(framesSent.get() > 100, "the soak sent too little: " + framesSent.get());
            assertTrue(maxRssMb < RSS_BOUND_MB, "RSS reached " + maxRssMb + " MB, above the bound of "
                    + RSS_BOUND_MB + " MB");
        } finally {
            pool.shutdownNow();
            if (channel != null) {
                channel.shutdownNow();
            }
            channels.forEach(ManagedChannel::shutdownNow);
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void loop(long end, Step step) {
        while (System.currentTimeMillis() < end) {
            try {
                step.run();
            } catch (Exception e) {
                problems.add(e.toString());
            }
        }
    }

    private static long rssMb(long pid) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return 0;
    }

    /** A stream of {@code n} frames of side x side raw pixels: every one answered once, in order, OK. */
    private void wellBehavedStream(ExplainServiceGrpc.ExplainServiceStub async, int n, int side) throws Exception {
        Collector c = new Collector();
        StreamObserver<ExplainRequest> out = async.explainStream(c);
        for (int i = 0; i < n; i++) {
            out.onNext(Frames.frame(i, side, side).build());
            framesSent.incrementAndGet();
        }
        out.onCompleted();
        checkAnswered(c.await(), c.responses, n);
    }

    private void checkAnswered(Status status, List<ExplainResponse> rs, int n) {
        framesAnswered.addAndGet(rs.size());
        if (status.getCode() != Status.Code.OK || rs.size() != n) {
            problems.add("stream ended " + status + " with " + rs.size() + "/" + n + " answers");
            return;
        }
        for (int i = 0; i < n; i++) {
            ExplainResponse r = rs.get(i);
            if (r.getFrameId() != i) {
                problems.add("answer " + i + " is for frame " + r.getFrameId());
            } else if (r.getStatus() != FrameStatus.OK && !"RESOURCE_EXHAUSTED".equals(r.getErrorCode())) {
                problems.add("frame " + i + ": " + r.getErrorCode() + " " + r.getErrorMessage());
            }
        }
    }

    /** Reads one response every 20 ms while sending 40 frames of 300x300: the server must pause, not pile up. */
    private void slowReader(ExplainServiceGrpc.ExplainServiceStub async) throws Exception {
        int n = 40;
        java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            class Slow extends Collector implements ClientResponseObserver<ExplainRequest, ExplainResponse> {
                ClientCallStreamObserver<ExplainRequest> call;

                @Override
                public void beforeStart(ClientCallStreamObserver<ExplainRequest> call) {
                    this.call = call;
                    call.disableAutoRequestWithInitial(1);
                }

                @Override
                public void onNext(ExplainResponse r) {
                    super.onNext(r);
                    timer.schedule(() -> call.request(1), 20, TimeUnit.MILLISECONDS);
                }
            }
            Slow c = new Slow();
            StreamObserver<ExplainRequest> out = async.explainStream(c);
            for (int i = 0; i < n; i++) {
                out.onNext(Frames.frame(i, 300, 300).build());
                framesSent.incrementAndGet();
            }
            out.onCompleted();
            checkAnswered(c.await(), c.responses, n);
        } finally {
            timer.shutdownNow();
        }
    }

    /** One valid frame, then a gzip bomb: the frame is answered, the call ends RESOURCE_EXHAUSTED. */
    private void bombs(int port, byte[] bomb) throws Exception {
        try (RawH2Client h2 = new RawH2Client(port)) {
            RawH2Client.Call c = h2.open("/scorecam.v1.ExplainService/ExplainStream", false, "grpc-encoding", "gzip");
            h2.send(c, RawH2Client.grpcFrame(false, Frames.frame(0).build().toByteArray()), false);
            framesSent.incrementAndGet();
            h2.send(c, RawH2Client.grpcFrame(true, bomb), true);
            hostileCalls.incrementAndGet();
            if (!c.await(20_000)) {
                problems.add("bomb call never ended");
                return;
            }
            framesAnswered.addAndGet(c.messages().size());
            if (!"8".equals(c.status()) || c.messages().size() != 1) {
                problems.add("bomb: status " + c.status() + " " + c.message() + ", answers " + c.messages().size());
            }
        }
    }

    private void hugeClassList(ExplainServiceGrpc.ExplainServiceBlockingStub blocking) {
        hostileCalls.incrementAndGet();
        try {
            blocking.explain(Frames.frame(1).addAllTargetClasses(Collections.nCopies(2000, 0)).build());
            problems.add("2000 classes were accepted");
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
                problems.add("2000 classes: " + e.getStatus());
            }
        }
    }

    private void cancels(ExplainServiceGrpc.ExplainServiceStub async) throws Exception {
        hostileCalls.incrementAndGet();
        Collector c = new Collector();
        var call = (ClientCallStreamObserver<ExplainRequest>) async.explainStream(c);
        for (int i = 0; i < 5; i++) {
            call.onNext(Frames.frame(i, 200, 200).build());
        }
        Thread.sleep(5);
        call.cancel("soak cancel", null);
        c.await();
    }

    /** Two frames, then one over --max-message-bytes: both answered, then RESOURCE_EXHAUSTED. */
    private void oversize(ExplainServiceGrpc.ExplainServiceStub async) throws Exception {
        hostileCalls.incrementAndGet();
        Collector c = new Collector();
        StreamObserver<ExplainRequest> out = async.explainStream(c);
        out.onNext(Frames.frame(0).build());
        out.onNext(Frames.frame(1).build());
        framesSent.addAndGet(2);
        out.onNext(Frames.frame(2, 1700, 1700).build()); // 8.7 MB > 8 MiB
        Status s = c.await();
        if (rapidResetGuard(s)) {
            framesSent.addAndGet(-2); // the connection was closed under them: not the server's answer to give
            return;
        }
        framesAnswered.addAndGet(c.responses.size());
        if (s.getCode() != Status.Code.RESOURCE_EXHAUSTED || c.responses.size() != 2) {
            problems.add("oversize: " + s + " with " + c.responses.size() + " answers");
        }
    }

    /** The server closed a connection that reset too many streams (HTTP/2 rapid-reset protection): fine. */
    private static boolean rapidResetGuard(Status s) {
        return s.getDescription() != null && s.getDescription().contains("ENHANCE_YOUR_CALM");
    }

    private static byte[] gzipBomb(int zeros) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bytes, 1 << 16)) {
            byte[] block = new byte[1 << 20];
            for (int left = zeros; left > 0; left -= block.length) {
                z.write(block, 0, Math.min(left, block.length));
            }
        }
        return bytes.toByteArray();
    }
}
