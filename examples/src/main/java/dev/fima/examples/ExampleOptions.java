package dev.fima.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Options every benchmark example shares: where the dataset is, where the results go, the GPUs, and
 * overrides of any protocol field.
 */
public final class ExampleOptions {

  /** Root folder of the dataset, in its official layout (see the README). */
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Dataset root folder, in its official layout (data.root).")
  public Path data;

  /** Output folder; the example's own folder under {@code runs/} when not given. */
  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "Output folder (default: runs/<example>).")
  public Path output;

  /** Number of GPUs; CPU when not given. */
  @Option(
      names = "--gpus",
      paramLabel = "N",
      description = "Run on up to N GPUs (run.device.type=gpu, run.device.count=N).")
  public Integer gpus;

  /** Overrides of protocol fields by dotted path, applied last so they win. */
  @Option(
      names = {"-s", "--set"},
      paramLabel = "FIELD=VALUE",
      description =
          "Override one protocol field by its dotted path, e.g. epochs=10 or run.threads=1"
              + " (repeatable; applied last).")
  public List<String> overrides = new ArrayList<>();

  /**
   * Returns the output folder: {@code --output}, or the example's default.
   *
   * @param fallback the example's default folder
   * @return the folder
   */
  public Path outputOr(String fallback) {
    return output != null ? output : Path.of(fallback);
  }

  /**
   * Returns the overrides to lay over a protocol file: the dataset root, the example's own
   * settings, the output folder, the GPUs, then the user's {@code --set} values.
   *
   * @param output the job's output folder
   * @param exampleSettings {@code field=value} settings of the example itself (backbone, split)
   * @return the overrides, in the order they apply
   */
  public List<String> overrides(Path output, String... exampleSettings) {
    List<String> list = new ArrayList<>();
    list.add("data.root=" + data);
    list.addAll(List.of(exampleSettings));
    list.add("run.output=" + output);
    if (gpus != null) {
      list.add("run.device.type=gpu");
      list.add("run.device.count=" + gpus);
    }
    list.addAll(overrides);
    return list;
  }
}
