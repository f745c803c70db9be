package io.scorecam.cli;

import io.scorecam.cli.errors.CliException;
import io.grpc.StatusRuntimeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;

/** {@code java -jar scorecam.jar COMMAND ...}: the client of ScoreCAM Server. */
@Command(name = "scorecam", mixinStandardHelpOptions = true, version = "scorecam 0.1.0",
        description = "Client of ScoreCAM Server: replays image folders as video streams, explains images, "
                + "lists models, and runs a self-contained demo.",
        subcommands = {ReplayCommand.class, ExplainCommand.class, ModelsCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class ScoreCamCli implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // the embedded demo server's INFO logs would drown the output (DJL's offline properties: DjlOrtBackend)
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // DJL warns that CUDA is missing on every CPU-only start of the demo: not news to anyone
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.onnxruntime.engine.OrtEngine", "error");
        System.exit(execute(System.out, System.err, args));
    }

    /** Runs one command line; every problem becomes one line on {@code err} and a non-zero exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cl = new CommandLine(new ScoreCamCli())
                .setOut(outWriter)
                .setErr(errWriter)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((e, a) -> {
                    String command = e.getCommandLine().getCommandName();
                    errWriter.println("scorecam: " + firstLine(e.getMessage())
                            + " (see: scorecam " + ("scorecam".equals(command) ? "" : command + " ") + "--help)");
                    return CliException.USAGE;
                })
                .setExecutionExceptionHandler((e, c, p) -> {
                    errWriter.println("scorecam: " + describe(e));
                    return e instanceof CliException ce ? ce.exitCode() : CliException.FAILED;
                });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: replay, explain, models or demo");
    }

    /** One line for any failure: the message the user can act on, not a stack trace. */
    static String describe(Throwable e) {
        if (e instanceof CliException) {
            return e.getMessage();
        }
        if (e instanceof StatusRuntimeException s) {
            return GrpcErrors.describe(s.getStatus(), null);
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + firstLine(message));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
