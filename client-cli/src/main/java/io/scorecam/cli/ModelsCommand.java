package io.scorecam.cli;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.scorecam.api.v1.ExplainServiceGrpc;
import io.scorecam.api.v1.ListModelsRequest;
import io.scorecam.api.v1.ListModelsResponse;
import io.scorecam.api.v1.ModelInfo;
import io.scorecam.api.v1.ModelState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** {@code scorecam models}: what the server serves (ListModels). */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Lists the server's models.")
final class ModelsCommand implements Callable<Integer> {
    private static final String ROW = "%-24s %-11s %-12s %-9s %-8s %-6s %-28s %-7s %-13s %s%n";

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Override
    public Integer call() {
        ManagedChannel channel = connection.open();
        ListModelsResponse response;
        try {
            response = ExplainServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .listModels(ListModelsRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.failure(e, connection.server());
        } finally {
            channel.shutdownNow();
            ReplayCommand.awaitQuietly(channel);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, ROW, "MODEL", "STATE", "VERSION", "INPUT", "CLASSES", "K", "TARGET LAYER", "LAYER",
                "OUTPUT", "METHODS");
        for (ModelInfo m : response.getModelsList()) {
            // a server without per-model states (older) reports none: its models are all served
            String state = m.getState() == ModelState.MODEL_STATE_UNSPECIFIED ? "READY" : m.getState().name();
            out.printf(Locale.ROOT, ROW, m.getName() + (m.getIsDefault() ? " (default)" : ""), state,
                    m.getVersion().isEmpty() ? "-" : m.getVersion(),
                    m.getInputWidth() + "x" + m.getInputHeight(), m.getNumClasses(), m.getChannels(),
                    m.getTargetLayer(), m.getLayerWidth() + "x" + m.getLayerHeight(), m.getOutputKind(),
                    m.getMethodsList().stream().map(Enum::name).collect(Collectors.joining(",")));
        }
        for (ModelInfo m : response.getModelsList()) {
            if (!m.getStateReason().isEmpty()) { // loading, failed, or a failed reload of a served model
                out.printf(Locale.ROOT, "%s: %s%n", m.getName(), m.getStateReason());
            }
        }
        out.flush();
        return 0;
    }
}
