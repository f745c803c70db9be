package io.scorecam.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar scorecam-loadtest.jar load|bench ...}. */
@Command(name = "scorecam-loadtest", mixinStandardHelpOptions = true, version = "scorecam-loadtest 0.1.0",
        subcommands = {LoadCommand.class, BenchCommand.class},
        description = "Load generator and efficiency benchmark for ScoreCAM Server.")
public final class LoadTestCli implements Runnable {
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new LoadTestCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
