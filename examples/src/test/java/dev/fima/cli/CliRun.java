package dev.fima.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * One run of the real {@code fima} command line inside the test's JVM, so that tests can assert on
 * exit codes and messages without spawning a process, and every test captures the output the same
 * way.
 *
 * @param code the exit code picocli returned; 2 is how bad input is reported
 * @param out everything the command wrote to its standard output, for the reports and tables
 * @param err everything the command wrote to its error output, for one-line errors and for failure
 *     messages that explain an unexpected exit code
 */
public record CliRun(int code, String out, String err) {

  /**
   * Runs the command line with these arguments; both writers are captured so that nothing a test
   * asserts on leaks to the console instead.
   *
   * @param args the arguments exactly as a user would type them after {@code fima}
   * @return the exit code and the captured output
   */
  public static CliRun of(String... args) {
    return run(FimaCli.newCommandLine(), args);
  }

  /**
   * Runs the command line with some of its Guice bindings replaced, such as a checkpoint writer
   * whose disk fills up.
   *
   * @param override bindings that replace the project's
   * @param args the arguments exactly as a user would type them after {@code fima}
   * @return the exit code and the captured output
   */
  public static CliRun of(com.google.inject.Module override, List<String> args) {
    return run(FimaCli.newCommandLine(override), args.toArray(String[]::new));
  }

  private static CliRun run(picocli.CommandLine cli, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter outWriter = new PrintWriter(out);
    PrintWriter errWriter = new PrintWriter(err);
    cli.setOut(outWriter);
    cli.setErr(errWriter);
    int code = cli.execute(args);
    outWriter.flush();
    errWriter.flush();
    return new CliRun(code, out.toString(), err.toString());
  }

  /**
   * Returns the {@code --set} options for configuration assignments, the form every job command
   * takes them in.
   *
   * @param assignments {@code PATH=VALUE} strings, e.g. {@code clip.crop=32}
   * @return {@code --set} before each assignment, in order
   */
  public static List<String> sets(Iterable<String> assignments) {
    List<String> options = new java.util.ArrayList<>();
    for (String a : assignments) {
      options.add("--set");
      options.add(a);
    }
    return options;
  }

  /**
   * Runs the command line with arguments built as a list, as the tests that assemble options from
   * shared pieces do.
   *
   * @param args the arguments exactly as a user would type them after {@code fima}
   * @return the exit code and the captured output
   */
  public static CliRun of(List<String> args) {
    return of(args.toArray(String[]::new));
  }
}
