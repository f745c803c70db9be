package io.scorecam.server.reload;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.Method;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ServerConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What hot reload costs a serving server (prints numbers, asserts only that no call failed): MobileNetV2-int8
 * from ../shared as model "cam", reloaded 4 times (model.json's top_k flipped) while (1) a stream on another
 * model (the bundled shapes CNN, copied as "side") runs RECIPRO_CAM continuously and (2) one client calls "cam"
 * with RECIPRO_CAM in a loop. Reports the write-to-READY time per reload, the side stream's frames/s and p95
 * without and with reloads, the first "cam" call on each new version (with and without the reload warm-up)
 * and the process RSS before and after. Run: {@code -Dsurefire.excludedGroups= -Dtest=ReloadBenchmark}.
 */
@Tag("benchmark")
class ReloadBenchmark {
    private static final int RELOADS = Integer.getInteger("reloads", 8);
    private static final long BASELINE_MS = 12_000;

    @TempDir
    Path repo;

    /** Outside Maven (a quicker start on a busy machine): java -cp TEST_CLASSPATH ...ReloadBenchmark [warmupMs...]. */
    public static void main(String[] args) throws Exception {
        ReloadBenchmark b = new ReloadBenchmark();
        b.repo = Files.createTempDirectory("reload-bench");
        Path shared = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared/models/mobilenetv2-12-int8");
        for (String a : args.length == 0 ? new String[]{"1000", "0"} : args) {
            b.run(shared, Long.parseLong(a));
        }
        System.exit(0);
    }

    @Test
    void reloadWhileServing() throws Exception {
        Path shared = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("../shared/models/mobilenetv2-12-int8");
        Assumptions.assumeTrue(Files.isDirectory(shared), "../shared absent: skipped");
        for (long warm : new long[]{1000, 0}) {
            run(shared, warm);
        }
    }

    private void run(Path shared, long warmupMs) throws Exception {
        Path cam = Files.createDirectories(repo.resolve("cam-" + warmupMs).resolve("cam"));
        for (String f : List.of("model.onnx", "labels.txt")) {
            Files.copy(shared.resolve(f), cam.resolve(f));
        }
        String json = Files.readString(shared.resolve("model.json")).trim();
        Files.writeString(cam.resolve("model.json"), withTopK(json, 1));
        Path side = Files.createDirectories(cam.getParent().resolve("side"));
        Path bundled = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models/shapes");
        for (String f : List.of("model.onnx", "model.json", "labels.txt")) {
            Files.copy(bundled.resolve(f), side.resolve(f));
        }
        List<Path> frames;
        try (var s = Files.list(bundled.resolve("frames"))) {
            frames = s.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        byte[] photo = Files.readAllBytes(shared.resolve("../../images/dog_cat.jpg"));
        ServerConfig config = ServerConfig.parse("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + cam.getParent(), "--model-poll-seconds=1", "--warmup-ms=" + warmupMs, "--warmup-jit-max-ms=0",
                "--tune-budget-ms=2000", "--cache-bytes=0");
        try (RunningServer server = ServerAssembler.of(config).start().awaitReady(java.time.Duration.ofSeconds(180))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
                    .maxInboundMessageSize(64 << 20).build();
            ExplainServiceGrpc.ExplainServiceBlockingStub stub = ExplainServiceGrpc.newBlockingStub(channel);
            SideStream sideStream = new SideStream(channel, frames);
            CamLoop camLoop = new CamLoop(stub, photo);
            Thread camThread = new Thread(camLoop, "cam-client");
            camThread.start();
            Thread.sleep(3000); // both clients warm
            long rssBefore = rssKb();
            String nmtBefore = nativeMemory();
            sideStream.window();
            Thread.sleep(BASELINE_MS);
            Window calm = sideStream.window();
            List<Long> reloadMs = new ArrayList<>();
            List<Long> rss = new ArrayList<>();
            List<Integer> sessions = new ArrayList<>();
            for (int i = 1; i <= RELOADS; i++) {
                int generation = generation(stub) + 1;
                long t0 = System.nanoTime();
                Files.writeString(cam.resolve("model.json"), withTopK(json, i % 2 == 1 ? 2 : 1));
                while (generation(stub) < generation) {
                    Thread.sleep(50);
                }
                reloadMs.add((System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(1500); // the first calls on the new version; the old one closes 1 s after its last
                rss.add(rssKb() / 1024);
                sessions.add(((io.scorecam.server.inference.ort.DjlOrtBackend) server.backend()).openSessions());
            }
            Window reloading = sideStream.window();
            camLoop.stop.set(true);
            camThread.join(30_000);
            sideStream.stop();
            System.gc();
            Thread.sleep(3000); // retired versions close a moment after their last frame
            long rssAfter = rssKb();
            String nmtAfter = nativeMemory();
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "RELOAD warmup_ms=%d reload_to_ready_ms=%s%n", warmupMs, reloadMs);
            System.out.printf(Locale.ROOT, "RELOAD warmup_ms=%d side_stream calm: %s | during reloads: %s%n",
                    warmupMs, calm, reloading);
            System.out.printf(Locale.ROOT, "RELOAD warmup_ms=%d cam calls=%d failed=%d p50_ms=%.1f "
                            + "first_call_on_new_version_ms=%s%n", warmupMs, camLoop.calls.get(), camLoop.failed.get(),
                    percentile(camLoop.latencies, 0.5), camLoop.firstOnNewVersion);
            System.out.printf(Locale.ROOT, "RELOAD warmup_ms=%d rss_kb before=%d after=%d (%d reloads); rss_mb after each: %s;"
                            + " ORT sessions open after each: %s; retired versions still open: %s%n", warmupMs, rssBefore,
                    rssAfter, RELOADS, rss, sessions, server.engine().retiredInUse("cam"));
            if (!nmtBefore.isEmpty()) {
                System.out.printf(Locale.ROOT, "RELOAD warmup_ms=%d JVM native memory (committed KB) before: %s%n"
                        + "RELOAD warmup_ms=%d JVM native memory (committed KB) after:  %s%n", warmupMs, nmtBefore,
                        warmupMs, nmtAfter);
            }
            org.junit.jupiter.api.Assertions.assertEquals(0, camLoop.failed.get(), "no call failed across reloads");
            org.junit.jupiter.api.Assertions.assertEquals(0, sideStream.failed.get(), "no side frame failed");
        }
    }

    /**
     * The JVM's own memory by category (heap, code, threads, ...) when run with
     * -XX:NativeMemoryTracking=summary: what of the RSS is the JVM's, the rest being ONNX Runtime's and malloc's.
     */
    private static String nativeMemory() {
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "VM.native_memory",
                    "summary").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            StringBuilder b = new StringBuilder();
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("(?m)^-?\\s*(Total|Java Heap|Class|Thread|Code|GC|Internal|Other|Symbol|Arena Chunk|Metaspace)"
                            + "\\s*[:(]\\s*reserved=\\d+KB, committed=(\\d+)KB").matcher(out);
            while (m.find()) {
                b.append(m.group(1)).append('=').append(m.group(2)).append(' ');
            }
            return b.toString().trim();
        } catch (Exception e) {
            return "";
        }
    }

    private static String withTopK(String json, int topK) {
        return json.substring(0, json.lastIndexOf('}')) + ", \"top_k\": " + topK + "}";
    }

    private static int generation(ExplainServiceGrpc.ExplainServiceBlockingStub stub) {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS).listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList().stream().filter(m -> m.getName().equals("cam")).mapToInt(ModelInfo::getGeneration)
                .findFirst().orElse(0);
    }

    private static long rssKb() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(-1);
    }

    private static double percentile(List<Double> values, double q) {
        List<Double> v = new ArrayList<>(values);
        if (v.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(v);
        return v.get(Math.min(v.size() - 1, (int) Math.floor(q * v.size())));
    }

    record Window(int frames, double seconds, double p50, double p95) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "frames_per_s=%.1f p50_ms=%.1f p95_ms=%.1f (%d frames)",
                    frames / seconds, p50, p95, frames);
        }
    }

    /** RECIPRO_CAM on "side", two frames in flight, for the whole run. */
    private static final class SideStream {
        private final StreamObserver<ExplainRequest> requests;
        private final List<Path> frames;
        private final ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
        private final List<Double> latencies = new CopyOnWriteArrayList<>();
        private final AtomicLong nextId = new AtomicLong();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile long windowStart = System.nanoTime();
        private final List<ByteString> encoded = new ArrayList<>();

        SideStream(ManagedChannel channel, List<Path> frames) throws Exception {
            this.frames = frames;
            for (Path f : frames) {
                encoded.add(ByteString.copyFrom(Files.readAllBytes(f)));
            }
            requests = ExplainServiceGrpc.newStub(channel).explainStream(new StreamObserver<>() {
                @Override
                public void onNext(ExplainResponse r) {
                    Long t = sentAt.remove(r.getFrameId());
                    if (t != null) {
                        latencies.add((System.nanoTime() - t) / 1e6);
                    }
                    if (r.getStatus() != FrameStatus.OK) {
                        failed.incrementAndGet();
                    }
                    if (!stopped.get()) {
                        send();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    failed.incrementAndGet();
                }

                @Override
                public void onCompleted() {
                }
            });
            send();
            send();
        }

        private synchronized void send() {
            long id = nextId.incrementAndGet();
            sentAt.put(id, System.nanoTime());
            requests.onNext(ExplainRequest.newBuilder().setFrameId(id).setModel("side").setMethod(Method.RECIPRO_CAM)
                    .setEncoded(encoded.get((int) (id % frames.size()))).build());
        }

        /** Frames and latencies since the last call. */
        synchronized Window window() {
            List<Double> l = new ArrayList<>(latencies);
            latencies.clear();
            long now = System.nanoTime();
            Window w = new Window(l.size(), (now - windowStart) / 1e9, percentile(l, 0.5), percentile(l, 0.95));
            windowStart = now;
            return w;
        }

        void stop() {
            stopped.set(true);
            synchronized (this) {
                requests.onCompleted();
            }
        }
    }

    /** One RECIPRO_CAM call on "cam" after another; notes the first call on each new version (maps 1 <-> 2). */
    private static final class CamLoop implements Runnable {
        private final ExplainServiceGrpc.ExplainServiceBlockingStub stub;
        private final ByteString photo;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<Double> latencies = new CopyOnWriteArrayList<>();
        final List<String> firstOnNewVersion = new CopyOnWriteArrayList<>();

        CamLoop(ExplainServiceGrpc.ExplainServiceBlockingStub stub, byte[] photo) {
            this.stub = stub;
            this.photo = ByteString.copyFrom(photo);
        }

        @Override
        public void run() {
            int lastMaps = -1;
            long id = 0;
            while (!stop.get()) {
                long t0 = System.nanoTime();
                try {
                    ExplainResponse r = stub.withDeadlineAfter(60, TimeUnit.SECONDS).explain(ExplainRequest.newBuilder()
                            .setFrameId(++id).setModel("cam").setMethod(Method.RECIPRO_CAM).setEncoded(photo).build());
                    double ms = (System.nanoTime() - t0) / 1e6;
                    calls.incrementAndGet();
                    latencies.add(ms);
                    if (lastMaps != -1 && r.getMapsCount() != lastMaps) {
                        firstOnNewVersion.add(String.format(Locale.ROOT, "%.0f", ms));
                    }
                    lastMaps = r.getMapsCount();
                } catch (StatusRuntimeException e) {
                    failed.incrementAndGet();
                    System.out.println("cam call failed: " + e.getStatus());
                }
            }
        }
    }
}
