package io.scorecam.server.bench;

import io.scorecam.server.inference.FloatTensor;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.inference.InferenceSession;
import io.scorecam.server.inference.Tensor;
import io.scorecam.server.model.ModelConfig;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The physical limit Score-CAM is measured against: images/s of the plain model alone in ONNX Runtime,
 * at a given batch size, with {@code threads} callers sharing one session the way the engine's batch
 * workers do (so intra-op threads and callers match the server's). Shared by the engine benchmark and
 * the load-test module's {@code bench}.
 */
public final class RawOrtThroughput {
    private RawOrtThroughput() {
    }

    /**
     * Warms up for {@code warmupSeconds}, then runs batches of random input from {@code threads} threads for
     * {@code seconds} and returns images per second.
     */
    public static double imagesPerSecond(InferenceBackend backend, ModelConfig config, int batch, int threads,
                                         double warmupSeconds, double seconds) throws Exception {
        return measure(backend, config, batch, threads, warmupSeconds, seconds).imagesPerSecond();
    }

    /** Images per second and the process CPU seconds spent per image in the timed phase. */
    public record Result(double imagesPerSecond, double cpuSecondsPerImage) { }

    /** As {@link #imagesPerSecond}, with CPU time: robust to other load on the machine. */
    public static Result measure(InferenceBackend backend, ModelConfig config, int batch, int threads,
                                 double warmupSeconds, double seconds) throws Exception {
        int h = config.input().height();
        int w = config.input().width();
        try (InferenceSession session = backend.open(Files.readAllBytes(config.modelFile()), "raw")) {
            FloatTensor input = FloatTensor.allocate(batch, 3, h, w);
            Random random = new Random(1);
            while (input.data().hasRemaining()) {
                input.data().put(random.nextFloat());
            }
            input.data().flip();
            Map<String, Tensor> inputs = Map.of(config.input().name(), input);
            List<String> outputs = List.of(config.output().name());
            long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            do {
                session.run(inputs, outputs);
            } while (System.nanoTime() < warmEnd);
            AtomicLong images = new AtomicLong();
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        do {
                            session.run(inputs, outputs);
                            images.addAndGet(batch);
                        } while (System.nanoTime() < end);
                    } catch (RuntimeException e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                }, "raw-ort-" + t);
                thread.start();
                workers.add(thread);
            }
            for (Thread t : workers) {
                t.join();
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("raw ORT run failed", failures.get(0));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (processCpuNanos() - cpuStart) / 1e9;
            return new Result(images.get() / wall, cpu / Math.max(1, images.get()));
        }
    }

    /** CPU time of the whole process so far. */
    public static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
