package dev.fima.examples;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.datasets.DatasetsModule;
import dev.fima.djl.DjlModule;
import dev.fima.eval.EvalModule;
import java.util.List;
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
   * Builds the one injector of FIMA-J, which the command line and the examples share: the fima-api
   * jobs bound to their implementations by the data, model and evaluation modules, over the dataset
   * reader and the model their configurations name, with some bindings replaced.
   *
   * @param overrides modules whose bindings replace the project's (a fault for a test, a reader or
   *     model of an embedder's own)
   * @return the injector
   */
  public static Injector injector(Module... overrides) {
    return injector(List.of(overrides));
  }

  /**
   * Builds the one injector of FIMA-J with some bindings replaced ({@link #injector(Module...)}).
   *
   * @param overrides modules whose bindings replace the project's
   * @return the injector
   */
  public static Injector injector(List<? extends Module> overrides) {
    return Guice.createInjector(
        Modules.override(new DatasetsModule(), new DjlModule(), new EvalModule()).with(overrides));
  }
}
