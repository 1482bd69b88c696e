package dev.fima.cli;

import com.google.inject.Module;
import dev.fima.api.FimaException;
import dev.fima.api.FimaRuntime;
import dev.fima.api.config.Configs;
import dev.fima.api.io.TempFiles;
import dev.fima.bench.BenchCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fima} command line: one subcommand per job. Every job reads a typed configuration
 * (defaults, then {@code --config} file, then {@code --set} overrides), validates it before any
 * heavy work, and runs with DJL in offline mode.
 *
 * <p>No stack trace reaches the console: a user error ({@link FimaException}, also when another
 * exception carries it as its cause) is one line {@code fima: <message>} and exit status 2; any
 * other failure is a bug, reported as one line saying where its full trace was written (the folder
 * of the system property {@value #ERROR_DIR_PROPERTY}, by default the system's temporary folder)
 * and exit status 1.
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
      PrepareCommand.class,
      ExampleCommand.class,
      InfoCommand.class,
      BenchCommand.class,
      LaunchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class FimaCli implements Runnable {

  /** System property naming the folder that receives the traces of internal errors. */
  public static final String ERROR_DIR_PROPERTY = "fima.errorDir";

  /** Exit status of a user error. */
  public static final int USER_ERROR = 2;

  /** Exit status of an internal error. */
  public static final int INTERNAL_ERROR = 1;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final List<Module> overrides;

  private FimaCli(List<Module> overrides) {
    this.overrides = List.copyOf(overrides);
  }

  /**
   * Runs the command line and exits with its status: 0 on success, 2 on a user error (bad
   * configuration or input, reported in one message), 1 on an unexpected failure. A rank started by
   * {@code fima launch} also stops when its launcher ends ({@link LauncherWatch}).
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    LauncherWatch.install(System.getenv());
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
    CommandLine cli = newCommandLine();
    try {
      return cli.execute(args);
    } catch (Error e) {
      // picocli hands only exceptions to the handler; an Error (out of memory) arrives here.
      return report(e, cli.getErr());
    }
  }

  /**
   * Builds the picocli command tree with FIMA-J's error handling, its jobs wired by the project's
   * Guice modules with some bindings replaced: a seam for tests (a disk that fills up, a job that
   * fails) and for embedders.
   *
   * @param overrides modules whose bindings replace the project's
   * @return the command line
   */
  public static CommandLine newCommandLine(Module... overrides) {
    CommandLine cli = new CommandLine(new FimaCli(List.of(overrides)));
    // Each command once, though aliases list it twice.
    for (CommandLine sub : new LinkedHashSet<>(cli.getSubcommands().values())) {
      if (sub.getCommand() instanceof JobCommand<?> job) {
        ConfigOptions.fitTo(sub.getCommandSpec(), Configs.json().valueToTree(job.defaults()));
      }
    }
    cli.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> report(ex, commandLine.getErr()));
    return cli;
  }

  /** Returns the bindings that replace the project's in the jobs' injector. */
  List<Module> overrides() {
    return overrides;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints a failure as one line and returns the exit status. */
  private static int report(Throwable failure, PrintWriter err) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof FimaException user) {
        err.println("fima: " + user.getMessage());
        err.flush();
        return USER_ERROR;
      }
    }
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    try {
      Path file = traceFile();
      Files.writeString(file, trace.toString(), StandardCharsets.UTF_8);
      err.println(
          "fima: internal error: " + failure + " (a bug; the full trace is in " + file + ")");
    } catch (IOException | RuntimeException e) {
      // Where the trace cannot be saved, printing it is the only way to keep it.
      err.println("fima: internal error (a bug; its trace could not be saved: " + e + "):");
      err.print(trace);
    }
    err.flush();
    return INTERNAL_ERROR;
  }

  private static Path traceFile() throws IOException {
    Path dir =
        Path.of(System.getProperty(ERROR_DIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    Files.createDirectories(dir);
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return TempFiles.createFile(dir, "fima-error-" + stamp + "-", ".txt");
  }
}
