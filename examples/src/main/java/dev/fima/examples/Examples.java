package dev.fima.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.datasets.DatasetsModule;
import dev.fima.djl.DjlModule;
import dev.fima.eval.EvalModule;
import picocli.CommandLine;

/** What every example's {@code main} shares: the offline engine, error reporting, wiring. */
public final class Examples {

  private Examples() {}

  /**
   * Runs an example from its command-line arguments and exits: 0 on success, 2 on a user error
   * (reported in one line naming the field or file), 1 on an unexpected failure.
   *
   * @param example the example, a picocli command
   * @param args its arguments
   */
  public static void main(Object example, String[] args) {
    System.exit(execute(example, args));
  }

  /**
   * Runs an example without exiting, for tests and embedding.
   *
   * @param example the example, a picocli command
   * @param args its arguments
   * @return the exit status
   */
  public static int execute(Object example, String... args) {
    FimaRuntime.enforceOffline();
    return commandLine(example).execute(args);
  }

  /**
   * Builds the command line of an example with FIMA-J's error handling.
   *
   * @param example the example, a picocli command
   * @return the command line
   */
  public static CommandLine commandLine(Object example) {
    CommandLine cli = new CommandLine(example);
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          if (ex instanceof FimaException) {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + ex.getMessage());
            return 2;
          }
          throw ex;
        });
    return cli;
  }

  /**
   * Builds the injector that binds the fima-api jobs to their implementations, as the command line
   * does.
   *
   * @return the injector
   */
  public static Injector injector() {
    return Guice.createInjector(new DatasetsModule(), new DjlModule(), new EvalModule());
  }
}
