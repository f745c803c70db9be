package io.scorecam.loadtest;

import io.scorecam.server.bench.RawOrtThroughput;
import io.scorecam.server.inference.InferenceBackend;
import io.scorecam.server.model.ModelConfig;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The physical limit of one model: images/s of the plain model alone in ONNX Runtime at raw's own best batch
 * (not the server's: a server that picked a worse batch must not be flattered by a slower baseline), with as
 * many calling threads as the server has batch workers. Found once per model, then re-measured at that batch
 * next to every phase, so that a machine whose speed drifts (shared, thermal) is compared with itself.
 */
final class RawBaseline {
    private final InferenceBackend backend;
    private final ModelConfig model;
    private final int threads;
    private final double seconds;
    private final int batch;

    private RawBaseline(InferenceBackend backend, ModelConfig model, int threads, double seconds, int batch) {
        this.backend = backend;
        this.model = model;
        this.threads = threads;
        this.seconds = seconds;
        this.batch = batch;
    }

    /**
     * Measures every candidate batch for {@code seconds} each and keeps the fastest; prints the table.
     */
    static RawBaseline find(InferenceBackend backend, ModelConfig model, int threads, List<Integer> candidates,
                            double seconds, PrintStream out) throws Exception {
        int best = candidates.get(0);
        double bestRate = -1;
        StringBuilder table = new StringBuilder();
        for (int b : candidates) {
            double rate = RawOrtThroughput.imagesPerSecond(backend, model, b, threads, Math.min(1, seconds / 2), seconds);
            table.append(String.format(Locale.ROOT, " %d:%.1f", b, rate));
            if (rate > bestRate) {
                bestRate = rate;
                best = b;
            }
        }
        out.printf(Locale.ROOT, "raw ORT (plain model, %d calling threads) images/s by batch:%s -> best batch %d%n",
                threads, table, best);
        return new RawBaseline(backend, model, threads, seconds, best);
    }

    int batch() {
        return batch;
    }

    /** Images/s (and CPU seconds per image) at the best batch, now. */
    RawOrtThroughput.Result measure() throws Exception {
        return RawOrtThroughput.measure(backend, model, batch, threads, Math.min(1, seconds / 2), seconds);
    }
}
