package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.ClassScore;
import io.scorecam.api.v1.ExplainRequest;
import io.scorecam.api.v1.ExplainResponse;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.Faithfulness;
import io.scorecam.api.v1.FrameStatus;
import io.scorecam.api.v1.SaliencyMap;
import io.scorecam.cli.output.FrameOutput;
import io.scorecam.cli.source.Frame;
import io.scorecam.cli.replay.FrameSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code scorecam explain IMAGE...}: one unary Explain call per image, top classes printed, overlays written. */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Explains each IMAGE with a unary call: prints the top classes and writes overlays to --out.")
final class ExplainCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "JPEG or PNG files.")
    List<Path> images;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    ExplainOptions explain;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "scorecam-out",
            description = "Where overlays and results.jsonl go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--save-maps", description = "Also the float32 maps as .npy files.")
    boolean saveMaps;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Deadline per image (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds = 120;

    @Override
    public Integer call() {
        if (timeoutSeconds < 1) {
            throw new CliException("--timeout must be >= 1, got " + timeoutSeconds, CliException.USAGE);
        }
        ExplainRequest.Builder template = explain.template();
        connection.check();
        PrintWriter stdout = spec.commandLine().getOut();
        List<Frame> frames = FrameSource.readFiles(images, spec.commandLine().getErr());
        ManagedChannel channel = connection.open();
        int errors = 0;
        try (FrameOutput output = new FrameOutput(out, saveMaps)) {
            var stub = ExplainServiceGrpc.newBlockingStub(channel);
            for (Frame frame : frames) {
                long start = System.nanoTime();
                ExplainResponse r = stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                        .explain(template.setFrameId(frame.index() + 1L).setEncoded(frame.encoded()).build());
                double ms = (System.nanoTime() - start) / 1e6;
                Map<String, Object> record = new LinkedHashMap<>();
                record.put("file", frame.fileName());
                output.write("", frame.stem(), frame.bytes(), record, r, ms);
                print(stdout, frame, r, ms, template.getWantMetrics());
                errors += r.getStatus() == FrameStatus.OK ? 0 : 1;
            }
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.failure(e, connection.server());
        } catch (IOException | UncheckedIOException e) {
            throw new CliException("cannot write to " + out + ": " + e.getMessage());
        } finally {
            channel.shutdownNow();
            ReplayCommand.awaitQuietly(channel);
        }
        stdout.println("overlays: " + out.toAbsolutePath().normalize());
        // every image failing is a failure of the command; some failing is reported per image
        return errors == frames.size() ? CliException.FAILED : 0;
    }

    private static void print(PrintWriter out, Frame frame, ExplainResponse r, double ms, boolean metricsAsked) {
        if (r.getStatus() != FrameStatus.OK) {
            out.printf(Locale.ROOT, "%s: %s %s: %s%n", frame.fileName(), r.getStatus(), r.getErrorCode(), r.getErrorMessage());
            return;
        }
        out.printf(Locale.ROOT, "%s: %d forward passes, %.0f ms%n", frame.fileName(), r.getForwardPasses(), ms);
        for (ClassScore s : r.getPredictionsList()) {
            out.printf(Locale.ROOT, "  %5d  %6.4f  %s%n", s.getClassId(), s.getProbability(), s.getLabel());
        }
        for (SaliencyMap m : r.getMapsList()) {
            out.printf(Locale.ROOT, "  map of class %d (%s): %dx%d%s%n", m.getClassId(), m.getLabel(), m.getWidth(),
                    m.getHeight(), m.getClassAgnostic() ? " (class-agnostic)" : "");
            if (m.hasFaithfulness()) {
                Faithfulness f = m.getFaithfulness();
                out.printf(Locale.ROOT, "    score %.4f -> %.4f on the frame x map: drop %.2f %%, increase %s; "
                                + "deletion AUC %.4f, insertion AUC %.4f%n", f.getOriginalScore(),
                        f.getExplanationScore(), 100 * f.getDrop(), f.getIncrease() ? "yes" : "no",
                        f.getDeletionAuc(), f.getInsertionAuc());
            } else if (metricsAsked) {
                out.println("    no faithfulness metrics in the answer (the server does not compute them)");
            }
        }
        out.flush();
    }
}
