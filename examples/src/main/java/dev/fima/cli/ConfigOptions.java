package dev.fima.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every job shares: the configuration file, overrides and common shortcuts. */
final class ConfigOptions {

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

  @Option(names = "--seed", description = "Seed of every random choice (run.seed).")
  Long seed;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output folder (run.output).")
  String output;

  @Option(
      names = "--device",
      paramLabel = "TYPE",
      description = "cpu, gpu or auto (run.device.type).")
  String device;

  @Option(
      names = "--gpus",
      paramLabel = "N",
      description = "Use up to N GPUs; implies --device gpu (run.device.count).")
  Integer gpus;

  @Option(names = "--data", paramLabel = "DIR", description = "Dataset root folder (data.root).")
  String dataRoot;

  @Option(
      names = "--dataset",
      paramLabel = "KIND",
      description = "ucf101, hmdb51, diving48, kinetics400 or folder (data.dataset).")
  String dataset;

  @Option(
      names = "--print-config",
      description = "Print the resolved configuration as YAML and exit.")
  boolean printConfig;

  /**
   * Returns the shortcut options as overrides with the candidate field paths of each, in the order
   * they are applied (after {@code --set}, so shortcuts win).
   */
  List<Shortcut> shortcuts() {
    List<Shortcut> list = new ArrayList<>();
    if (seed != null) {
      list.add(new Shortcut("--seed", seed.toString(), "run.seed", "seed"));
    }
    if (output != null) {
      list.add(new Shortcut("--output", output, "run.output", "output"));
    }
    if (device != null) {
      list.add(new Shortcut("--device", device, "run.device.type"));
    }
    if (gpus != null) {
      if (device == null) {
        list.add(new Shortcut("--gpus", "gpu", "run.device.type"));
      }
      list.add(new Shortcut("--gpus", gpus.toString(), "run.device.count"));
    }
    if (dataRoot != null) {
      list.add(new Shortcut("--data", dataRoot, "data.root", "input"));
    }
    if (dataset != null) {
      list.add(new Shortcut("--dataset", dataset, "data.dataset"));
    }
    return list;
  }

  /** A command-line shortcut for a field whose path depends on the job's configuration. */
  record Shortcut(String option, String value, String... candidatePaths) {}
}
