package io.scorecam.server.tracing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Method;
import io.scorecam.server.assembly.RunningServer;
import io.scorecam.server.assembly.ServerAssembler;
import io.scorecam.server.config.ConfigException;
import io.scorecam.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: the server assembled from its flags exports the frames' spans over OTLP to a loopback receiver;
 * with the flag off no tracer and no exporter thread exist; a bad endpoint is a one-line error naming the flag.
 */
class OtlpExportTest {
    private static final String TRACE = "5bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "10f067aa0ba902b7";

    private static RunningServer start(String... flags) {
        Path models = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models");
        List<String> args = new ArrayList<>(List.of("--host=127.0.0.1", "--port=0", "--metrics-port=off",
                "--model-dir=" + models, "--workers=1", "--codec-threads=1", "--warmup-ms=0", "--batch-size=8"));
        args.addAll(List.of(flags));
        return ServerAssembler.of(ServerConfig.parse(args.toArray(String[]::new)))
                .registry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start()
                .awaitReady(Duration.ofSeconds(120));
    }

    private static void explain(RunningServer server, int frame) throws Exception {
        Path frames = Path.of(System.getProperty("scorecam.repo.root", ".")).resolve("models/shapes/frames");
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        try {
            Metadata md = new Metadata();
            md.put(TracedServer.TRACEPARENT, "00-" + TRACE + "-" + PARENT + "-01");
            ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
                    .explain(ExplainRequest.newBuilder().setFrameId(frame).setMethod(Method.FASTER_SCORE_CAM)
                            .setMaxChannels(3).setEncoded(ByteString.copyFrom(Files.readAllBytes(
                                    frames.resolve(String.format("frame_%03d.png", frame))))).build());
        } finally {
            channel.shutdownNow();
        }
    }

    private static Set<String> exporterThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("BatchSpanProcessor")).collect(Collectors.toSet());
    }

    @Test
    void framesSpansReachAnOtlpHttpReceiver() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            RunningServer server = start("--otlp-endpoint=http://127.0.0.1:" + receiver.port(),
                    "--service-name=scorecam-e2e", "--otlp-headers=authorization=Bearer%20s3+cret,x-team=vision");
            try {
                assertFalse(exporterThreads().isEmpty(), "an exporter thread runs while tracing is on");
                explain(server, 5);
            } finally {
                server.close(); // flushes the batch processor
            }
            assertEquals(List.of(), receiver.errors, "every export decodes");
            assertEquals(Set.of("/v1/traces"), receiver.paths.keySet(), "the signal path is added to a bare URL");
            assertTrue(receiver.contentTypes.stream().allMatch(c -> c.startsWith("application/x-protobuf")),
                    receiver.contentTypes.toString());
            assertTrue(receiver.authorizations.stream().allMatch(a -> a.equals("Bearer s3+cret")),
                    "--otlp-headers are sent, URL-decoded: " + receiver.authorizations);
            var frame = receiver.spans.stream().filter(s -> s.name().equals("scorecam.frame")).toList();
            assertEquals(1, frame.size(), "spans: " + receiver.spans);
            assertEquals(TRACE, frame.get(0).traceId());
            assertEquals(PARENT, frame.get(0).parentSpanId());
            assertEquals("scorecam-e2e", frame.get(0).serviceName());
            assertEquals("FASTER_SCORE_CAM", frame.get(0).attributes().get("scorecam.method"));
            assertEquals("4", frame.get(0).attributes().get("scorecam.forward_passes"));
            Set<String> children = receiver.spans.stream().filter(s -> s.parentSpanId().equals(frame.get(0).spanId()))
                    .map(OtlpReceiver.ReceivedSpan::name).collect(Collectors.toSet());
            assertTrue(children.containsAll(Set.of("decode", "preprocess", "feature_pass", "scoring", "combine", "encode")),
                    children.toString());
        }
    }

    @Test
    void framesSpansReachAnOtlpGrpcReceiver() throws Exception {
        OtlpReceiver decoder = new OtlpReceiver();
        decoder.close(); // only its decoder is used: the requests arrive over gRPC
        try (OtlpGrpcReceiver receiver = new OtlpGrpcReceiver(decoder)) {
            RunningServer server = start("--otlp-endpoint=http://127.0.0.1:" + receiver.port(), "--otlp-protocol=grpc",
                    "--service-name=scorecam-grpc", "--otlp-headers=authorization=Bearer%20g");
            try {
                explain(server, 7);
            } finally {
                server.close();
            }
            assertEquals(List.of(), decoder.errors, "every export decodes");
            var frame = decoder.spans.stream().filter(s -> s.name().equals("scorecam.frame")).toList();
            assertEquals(1, frame.size(), "spans: " + decoder.spans);
            assertEquals(TRACE, frame.get(0).traceId());
            assertEquals("scorecam-grpc", frame.get(0).serviceName());
            assertTrue(!receiver.authorizations.isEmpty() && receiver.authorizations.stream().allMatch("Bearer g"::equals),
                    receiver.authorizations.toString());
            assertTrue(decoder.spans.stream().anyMatch(s -> s.name().equals("feature_pass")
                    && s.parentSpanId().equals(frame.get(0).spanId())));
        }
    }

    @Test
    void withTheFlagOffNoTracerAndNoExporterThreadExist() throws Exception {
        ServerConfig config = ServerConfig.parse();
        assertFalse(config.tracing().enabled());
        FrameTracer tracer = FrameTracer.from(config.tracing());
        assertFalse(tracer.enabled());
        assertTrue(tracer == FrameTracer.off(), "no SDK object is made");
        Set<String> before = exporterThreads();
        RunningServer server = start();
        try {
            explain(server, 6);
            assertEquals(before, exporterThreads(), "no exporter thread");
        } finally {
            server.close();
        }
    }

    @Test
    void helpShowsTheTracingFlagsWithoutFormatWarnings() {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        String usage;
        try {
            usage = ServerConfig.usage();
        } finally {
            System.setErr(err);
        }
        assertEquals("", captured.toString(java.nio.charset.StandardCharsets.UTF_8), "picocli warnings");
        for (String flag : List.of("--otlp-endpoint", "--otlp-protocol", "--trace-sample-ratio", "--service-name",
                "--otlp-headers")) {
            assertTrue(usage.contains(flag), flag);
        }
    }

    @Test
    void aBadEndpointOrProtocolIsAOneLineErrorNamingTheFlag() {
        for (String bad : List.of("localhost:4318", "ftp://collector:21", "http://", "http://bad host:4318")) {
            ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse("--otlp-endpoint=" + bad));
            assertTrue(e.getMessage().contains("--otlp-endpoint") && !e.getMessage().contains("\n"), e.getMessage());
        }
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.parse("--otlp-protocol=thrift"))
                .getMessage().contains("--otlp-protocol"));
        assertTrue(assertThrows(ConfigException.class, () -> ServerConfig.parse("--trace-sample-ratio=1.5"))
                .getMessage().contains("--trace-sample-ratio"));
        assertTrue(ServerConfig.parse("--otlp-endpoint=off").tracing().enabled() == false);
        ConfigException badHeader = assertThrows(ConfigException.class,
                () -> ServerConfig.parse("--otlp-headers=authorization=Bearer%20s3cret,novalue"));
        assertTrue(badHeader.getMessage().contains("--otlp-headers entry 2") && !badHeader.getMessage().contains("s3cret"),
                badHeader.getMessage());
        assertTrue(ServerConfig.parse("--otlp-endpoint=https://otel.example:4318/custom/path").tracing().enabled());
    }
}
