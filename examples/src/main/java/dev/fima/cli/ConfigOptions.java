package dev.fima.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fima.api.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Options every job shares: the configuration file, overrides and common shortcuts. A shortcut sets
 * a field whose path depends on the job ({@code --seed} is {@code run.seed} in pretraining and
 * {@code seed} in {@code fima synth}); {@link #fitTo} removes from a command the shortcuts its
 * configuration has no field for, so that its help lists only what applies.
 */
final class ConfigOptions {

  /** Each shortcut option with the candidate field paths it sets, the first that exists wins. */
  private static final List<Target> TARGETS =
      List.of(
          new Target("--seed", "run.seed", "seed"),
          new Target("--output", "run.output", "output"),
          new Target("--device", "run.device.type"),
          new Target("--gpus", "run.device.count"),
          new Target("--data", "data.root", "input"),
          new Target("--dataset", "data.dataset"));

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML or JSON configuration laid over the defaults.")
  Path configFile;

  @Option(
      names = {"-s", "--set"},
      paramLabel = "FIELD=VALUE",
      description = "Override one field by its dotted path, e.g. optim.lr=0.02 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--seed", paramLabel = "N", description = "Seed of every random choice")
  Long seed;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output folder")
  String output;

  @Option(names = "--device", paramLabel = "TYPE", description = "cpu, gpu or auto")
  String device;

  @Option(
      names = "--gpus",
      paramLabel = "N",
      description = "Use up to N GPUs; implies --device gpu")
  Integer gpus;

  @Option(names = "--data", paramLabel = "DIR", description = "Dataset root folder")
  String dataRoot;

  @Option(
      names = "--dataset",
      paramLabel = "KIND",
      description = "ucf101, hmdb51, diving48, kinetics400 or folder")
  String dataset;

  @Option(
      names = "--print-config",
      description = "Print the resolved configuration as YAML and exit.")
  boolean printConfig;

  /**
   * Fits a command's shortcut options to its configuration: each is removed when the configuration
   * has none of its fields, and its description names the field it sets.
   *
   * @param spec the command, whose options include this mixin's
   * @param defaults the command's default configuration as a JSON tree
   */
  static void fitTo(CommandSpec spec, JsonNode defaults) {
    for (Target t : TARGETS) {
      OptionSpec option = spec.findOption(t.option());
      if (option == null) {
        continue;
      }
      spec.remove(option);
      Optional<String> path = t.pathIn(defaults);
      if (path.isPresent()) {
        String text = option.description()[0] + " (" + path.get() + ").";
        spec.addOption(OptionSpec.builder(option).description(text).build());
      }
    }
  }

  /**
   * Returns how to give a field on the command line when a shortcut sets it, for messages about a
   * missing or wrong value, e.g. {@code --data DIR} for {@code data.root}.
   *
   * @param spec the command
   * @param field the dotted field path
   * @return the option with its parameter label, if a shortcut of this command sets the field
   */
  static Optional<String> optionFor(CommandSpec spec, String field) {
    for (Target t : TARGETS) {
      OptionSpec option = spec.findOption(t.option());
      if (option != null && t.paths().contains(field)) {
        return Optional.of(t.option() + " " + option.paramLabel());
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the shortcut options given, as overrides of the field each sets in this configuration,
   * in the order they are applied (after {@code --set}, so shortcuts win).
   *
   * @param defaults the command's default configuration as a JSON tree
   * @return {@code path=value} overrides
   */
  List<String> shortcutOverrides(JsonNode defaults) {
    List<String> list = new ArrayList<>();
    add(list, defaults, "--seed", seed);
    add(list, defaults, "--output", output);
    add(list, defaults, "--device", device != null ? device : gpus != null ? "gpu" : null);
    add(list, defaults, "--gpus", gpus);
    add(list, defaults, "--data", dataRoot);
    add(list, defaults, "--dataset", dataset);
    return list;
  }

  private static void add(List<String> list, JsonNode defaults, String option, Object value) {
    if (value == null) {
      return;
    }
    Target target = TARGETS.stream().filter(t -> t.option().equals(option)).findFirst().get();
    String path =
        target
            .pathIn(defaults)
            .orElseThrow(
                () -> new ConfigException(option, "this option does not apply to this command"));
    list.add(path + "=" + value);
  }

  /** A shortcut option and the field paths it may set. */
  private record Target(String option, List<String> paths) {

    Target(String option, String... paths) {
      this(option, List.of(paths));
    }

    Optional<String> pathIn(JsonNode tree) {
      return paths.stream()
          .filter(p -> !tree.at("/" + p.replace('.', '/')).isMissingNode())
          .findFirst();
    }
  }
}
