package dev.tracefold.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code tracefold} command. Each subcommand is its own class listed in {@code subcommands}.
 * Exit codes: 0 success, 1 a failure the command reports, 2 a usage error (picocli's default).
 */
@Command(
    name = "tracefold",
    mixinStandardHelpOptions = true,
    version = "tracefold 0.1.0",
    description = "Tracefold command line.",
    subcommands = {CommandLine.HelpCommand.class, KeysCommand.class, UploadCommand.class})
public final class TracefoldCli {
  private TracefoldCli() {}

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new TracefoldCli()).execute(args));
  }
}
