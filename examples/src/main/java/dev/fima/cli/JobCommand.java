package dev.fima.cli;

import com.google.inject.Injector;
import com.google.inject.Module;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.examples.Examples;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that runs one job from a typed configuration. The configuration is resolved and
 * validated before anything heavy starts, so a bad field fails in the first second.
 *
 * @param <C> the job's configuration record
 */
abstract class JobCommand<C> implements Callable<Integer> {

  @Mixin ConfigOptions options;

  @Spec CommandSpec spec;

  /** Returns the writer for results, picocli's (so that tests and embedders can capture it). */
  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Returns the job's complete default configuration. */
  protected abstract C defaults();

  /** Returns overrides the command's own options imply, applied before {@code --set}. */
  protected List<String> commandOverrides() {
    return List.of();
  }

  /** Runs the job with a validated configuration. */
  protected abstract void run(C config, Injector injector) throws Exception;

  @Override
  public Integer call() throws Exception {
    try {
      C config = resolveConfig();
      if (options.printConfig) {
        out().print(Configs.toYaml(config));
        out().flush();
        return 0;
      }
      run(config, injector(spec));
      return 0;
    } catch (ConfigException e) {
      throw withOptionHint(e);
    }
  }

  /** Resolves defaults, file, command options, {@code --set} and shortcuts, in that order. */
  C resolveConfig() {
    C defaults = defaults();
    List<String> overrides = new ArrayList<>(commandOverrides());
    overrides.addAll(options.overrides);
    overrides.addAll(options.shortcutOverrides(Configs.json().valueToTree(defaults)));
    return Configs.load(defaults, options.configFile, overrides);
  }

  /**
   * Builds the injector of a command: FIMA-J's one injector ({@link Examples#injector}) with the
   * bindings the command line was built with laid over it ({@link
   * FimaCli#newCommandLine(Module...)}).
   */
  static Injector injector(CommandSpec spec) {
    List<Module> overrides =
        spec.root().userObject() instanceof FimaCli cli ? cli.overrides() : List.of();
    return Examples.injector(overrides);
  }

  /**
   * Adds to an error about a field a shortcut sets, when the user did not give that shortcut, how
   * to give it: a user who never saw the configuration knows {@code --data DIR}, not {@code
   * data.root}.
   */
  private ConfigException withOptionHint(ConfigException e) {
    Optional<String> option = ConfigOptions.optionFor(spec, e.field());
    if (option.isEmpty()
        || spec.commandLine().getParseResult().hasMatchedOption(option.get().split(" ")[0])) {
      return e;
    }
    String message = e.getMessage().substring(e.field().length() + 2);
    ConfigException hinted =
        new ConfigException(e.field(), message + "; give it with " + option.get());
    hinted.setStackTrace(e.getStackTrace());
    return hinted;
  }
}
