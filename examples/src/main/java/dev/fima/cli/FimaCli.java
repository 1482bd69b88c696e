package dev.fima.cli;

import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Configs;
import java.util.LinkedHashSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fima} command line: one subcommand per job. Every job reads a typed configuration
 * (defaults, then {@code --config} file, then {@code --set} overrides), validates it before any
 * heavy work, and runs with DJL in offline mode.
 */
@Command(
    name = "fima",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Self-supervised video pretraining with FIMA on DJL and libtorch.",
    subcommands = {
      DemoCommand.class,
      SynthCommand.class,
      PretrainCommand.class,
      LinearProbeCommand.class,
      FinetuneCommand.class,
      TestCommand.class,
      RetrieveCommand.class,
      ExportCommand.class,
      ExampleCommand.class,
      InfoCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FimaCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status: 0 on success, 2 on a user error (bad
   * configuration or input, reported in one message), 1 on an unexpected failure.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /**
   * Runs the command line without exiting, for tests and embedding.
   *
   * @param args command-line arguments
   * @return the exit status
   */
  public static int execute(String... args) {
    FimaRuntime.enforceOffline();
    return newCommandLine().execute(args);
  }

  /**
   * Builds the picocli command tree with FIMA-J's error handling.
   *
   * @return the command line
   */
  public static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new FimaCli());
    // Each command once, though aliases list it twice.
    for (CommandLine sub : new LinkedHashSet<>(cli.getSubcommands().values())) {
      if (sub.getCommand() instanceof JobCommand<?> job) {
        ConfigOptions.fitTo(sub.getCommandSpec(), Configs.json().valueToTree(job.defaults()));
      }
    }
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof FimaException) {
            commandLine.getErr().println("fima: " + ex.getMessage());
            return 2;
          }
          throw ex;
        });
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
