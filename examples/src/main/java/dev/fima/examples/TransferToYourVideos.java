package dev.fima.examples;

import ai.djl.ndarray.NDManager;
import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.jobs.EvalReport;
import dev.fima.api.jobs.FineTuner;
import dev.fima.api.jobs.LinearProbe;
import dev.fima.djl.backbone.BackboneDescriptor;
import dev.fima.djl.backbone.BackboneInput;
import dev.fima.djl.backbone.Backbones;
import dev.fima.djl.backbone.LoadedBackbone;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Transfer of a pretrained backbone to your own labelled videos, one folder per class ({@code
 * my-videos/<class>/<video>.mp4}): loads the exported backbone, then trains a linear classifier on
 * its frozen features ({@code examples/configs/transfer-folder.yaml}) or fine-tunes the whole
 * network with a classifier head ({@code transfer-folder-finetune.yaml}), and tests it.
 *
 * <pre>
 * ./fima example transfer --backbone runs/ucf101-pretrain/backbone --data my-videos
 * ./fima example transfer --backbone runs/ucf101-pretrain/backbone --data my-videos --mode finetune
 * </pre>
 *
 * <p>The folder has no split files: split {@code k} (1-3, {@code --split}) tests the videos at
 * sorted positions {@code i} with {@code i mod 4 = k - 1} in every class, and trains on the rest.
 * Clips are cut at the length and size the backbone was pretrained on, read from its descriptor.
 */
@Command(
    name = "transfer",
    mixinStandardHelpOptions = true,
    description =
        "Transfer a pretrained backbone to your own <class>/<video> folder: linear probe (default)"
            + " or fine-tuning (--mode finetune), then test.")
public final class TransferToYourVideos implements Callable<Integer> {

  /** The linear-probe protocol file in {@code examples/configs/}. */
  public static final String LINEAR_PROTOCOL = "transfer-folder.yaml";

  /** The fine-tuning protocol file in {@code examples/configs/}. */
  public static final String FINETUNE_PROTOCOL = "transfer-folder-finetune.yaml";

  /** How the backbone is transferred. */
  public enum Mode {
    /** A linear classifier on frozen features. */
    LINEAR,
    /** The whole network and a classifier head trained together. */
    FINETUNE
  }

  @Mixin ExampleOptions options;

  @Option(
      names = "--backbone",
      required = true,
      paramLabel = "DIR",
      description = "Exported backbone folder (fima export, or a pretraining example's output).")
  Path backbone;

  @Option(
      names = "--mode",
      defaultValue = "linear",
      paramLabel = "MODE",
      description = "linear (frozen features) or finetune (whole network).")
  String mode;

  @Option(
      names = "--split",
      defaultValue = "1",
      paramLabel = "K",
      description = "Which quarter of every class is the test part: 1, 2 or 3.")
  int split;

  @Spec CommandSpec spec;

  /**
   * Runs the example.
   *
   * @param args {@code --data DIR --backbone DIR [--mode linear|finetune] [--split K] [--output
   *     DIR] [--gpus N] [--set field=value]...}
   */
  public static void main(String[] args) {
    Examples.main(new TransferToYourVideos(), args);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Mode how = parseMode(mode);

    // Loading checks the architecture and every parameter's name and shape, and the descriptor
    // tells which clips the backbone was pretrained on.
    BackboneInput input;
    try (NDManager manager = NDManager.newBaseManager()) {
      LoadedBackbone loaded = Backbones.load(backbone, manager);
      BackboneDescriptor d = loaded.descriptor();
      input = d.input();
      out.printf(
          "backbone %s: %s (%d feature channels), pretrained on %d frames of %d px%n",
          backbone, d.backbone().name(), d.featureChannels(), input.frames(), input.crop());
    }

    Path output =
        options.outputOr(how == Mode.LINEAR ? "runs/transfer-linear" : "runs/transfer-finetune");
    List<String> overrides =
        options.overrides(
            output,
            "backbone=" + backbone,
            "data.split=" + split,
            "clip.frames=" + input.frames(),
            "clip.crop=" + input.crop());

    Injector injector = Examples.injector();
    EvalReport report =
        switch (how) {
          case LINEAR ->
              injector
                  .getInstance(LinearProbe.class)
                  .probe(Protocols.load(LinearProbeConfig.defaults(), LINEAR_PROTOCOL, overrides));
          case FINETUNE ->
              injector
                  .getInstance(FineTuner.class)
                  .finetune(
                      Protocols.load(FinetuneConfig.defaults(), FINETUNE_PROTOCOL, overrides),
                      null);
        };
    ReportLines.print(
        out, "transfer (" + how.name().toLowerCase(Locale.ROOT) + ") on " + options.data, report);
    return 0;
  }

  private static Mode parseMode(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "linear", "linear-probe" -> Mode.LINEAR;
      case "finetune", "fine-tune" -> Mode.FINETUNE;
      default ->
          throw new ConfigException("--mode", "must be linear or finetune, got '" + text + "'");
    };
  }
}
