package io.scorecam.server.tracing;

import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.server.batching.BatchRun;
import io.scorecam.server.config.ServerConfig;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

/**
 * BENCHMARK (not run by default; run under the bench lock with
 * {@code -Dsurefire.excludedGroups= -Dtest=TracingOverheadBenchmark}): process CPU per traced frame, the span
 * tree of a RECIPRO_CAM frame on the bundled model (7 steps, a feature batch and 72 scoring batches), with
 * tracing off, on with a no-op exporter, and on with the real OTLP/HTTP exporter (to a loopback receiver that
 * decodes nothing: {@link OtlpReceiver} with decoding on, so the receiver's CPU is counted too, an upper bound).
 * Prints numbers; asserts nothing about them.
 */
@Tag("benchmark")
class TracingOverheadBenchmark {
    private static final int FRAMES = 10_000; // paced at 1000 frames/s (8000 spans/s): the queue never overflows
    private static final String[] STEPS = {"queue", "decode", "preprocess", "combine", "encode"};

    private static double cpuMicrosPerFrame(FrameTracer tracer, int frames) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ExplainResponse ok = ExplainResponse.newBuilder().setStatus(FrameStatus.OK).setForwardPasses(577).build();
        CallTrace call = tracer.call(null);
        long cpu0 = os.getProcessCpuTime();
        for (int i = 0; i < frames; i++) {
            long t = System.nanoTime();
            FrameSpan span = tracer.frame(call, "ExplainStream", i, 1, t);
            span.labels("shapes", "RECIPRO_CAM", "SEED");
            for (String step : STEPS) {
                span.stage(step, t, t + 1000);
            }
            span.batch("feature_pass", new BatchRun("features", i, 1, 1, t, t + 10, t + 20, null));
            for (int b = 0; b < 72; b++) {
                span.batch("scoring", new BatchRun("head", i * 100L + b, 8, 8, t, t + 30 + b, t + 40 + b, null));
            }
            span.end(ok);
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return (os.getProcessCpuTime() - cpu0) / 1e3 / frames;
    }

    @Test
    void cpuPerTracedFrame() throws Exception {
        ServerConfig on = ServerConfig.parse("--otlp-endpoint=http://127.0.0.1:1");
        for (int round = 0; round < 2; round++) { // the first round warms the JIT
            double off = cpuMicrosPerFrame(FrameTracer.off(), FRAMES);
            FrameTracer noop = FrameTracer.from(on.tracing(), BatchSpanProcessor.builder(SpanExporter.composite())
                    .setMaxQueueSize(FrameTracer.QUEUE_SPANS).setMaxExportBatchSize(FrameTracer.EXPORT_BATCH_SPANS).build());
            double sdk = cpuMicrosPerFrame(noop, FRAMES);
            noop.close();
            double otlp;
            try (OtlpReceiver receiver = new OtlpReceiver()) {
                FrameTracer real = FrameTracer.from(ServerConfig.parse("--otlp-endpoint=http://127.0.0.1:"
                        + receiver.port()).tracing());
                var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                long cpu0 = os.getProcessCpuTime();
                cpuMicrosPerFrame(real, FRAMES);
                real.close(); // the export's CPU counts: wait for it
                otlp = (os.getProcessCpuTime() - cpu0) / 1e3 / FRAMES;
                System.out.printf("received %d of %d spans%n", receiver.spans.size(), FRAMES * 8);
            }
            System.out.printf("TRACING_COST round=%d off_us_per_frame=%.2f sdk_noop_us_per_frame=%.2f "
                    + "otlp_http_us_per_frame=%.2f spans_per_frame=8 (receiver decoding in-process)%n", round, off, sdk, otlp);
        }
    }
}
