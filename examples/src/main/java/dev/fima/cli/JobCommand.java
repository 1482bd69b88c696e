package dev.fima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.Configs;
import dev.fima.datasets.DatasetsModule;
import dev.fima.djl.DjlModule;
import dev.fima.eval.EvalModule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
    C config = resolveConfig();
    if (options.printConfig) {
      out().print(Configs.toYaml(config));
      out().flush();
      return 0;
    }
    run(config, injector());
    return 0;
  }

  /** Resolves defaults, file, command options, {@code --set} and shortcuts, in that order. */
  C resolveConfig() {
    C defaults = defaults();
    JsonNode tree = Configs.json().valueToTree(defaults);
    List<String> overrides = new ArrayList<>(commandOverrides());
    overrides.addAll(options.overrides);
    for (ConfigOptions.Shortcut s : options.shortcuts()) {
      overrides.add(pathFor(tree, s) + "=" + s.value());
    }
    return Configs.load(defaults, options.configFile, overrides);
  }

  /** Builds the injector that wires datasets, trainers and evaluators. */
  static Injector injector() {
    return Guice.createInjector(new DatasetsModule(), new DjlModule(), new EvalModule());
  }

  private static String pathFor(JsonNode tree, ConfigOptions.Shortcut s) {
    for (String path : s.candidatePaths()) {
      if (tree.at("/" + path.replace('.', '/')).isMissingNode()) {
        continue;
      }
      return path;
    }
    throw new ConfigException(s.option(), "this option does not apply to this command");
  }
}
