package dev.fima.examples;

import com.google.inject.Injector;
import dev.fima.api.config.ExportConfig;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.jobs.BackboneExporter;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * FIMA pretraining on Kinetics-400, the run the reference README describes for {@code train.sh}:
 * I3D, 224-pixel crops, 16 frames at stride 2, batch 64, lr 0.01, cosine, 100 epochs, K = 65536 and
 * a dense queue of 31360 ({@code examples/configs/k400-pretrain.yaml}).
 *
 * <pre>
 * ./fima example k400-pretrain --data /path/to/kinetics400 --gpus 1
 * </pre>
 *
 * <p>It writes the run (configuration, metrics, checkpoints, loss plot) to {@code <output>} and the
 * pretrained backbone to {@code <output>/backbone}, ready for the evaluation examples.
 */
@Command(
    name = "k400-pretrain",
    mixinStandardHelpOptions = true,
    description =
        "FIMA pretraining on Kinetics-400 (train.sh as its README describes it: I3D, 224 px, batch 64,"
            + " 100 epochs, K=65536, dense queue 31360), then export of the backbone.")
public final class Kinetics400Pretrain implements Callable<Integer> {

  /** The protocol file in {@code examples/configs/}. */
  public static final String PROTOCOL = "k400-pretrain.yaml";

  @Mixin ExampleOptions options;

  @Option(
      names = "--resume",
      paramLabel = "PATH",
      description = "Checkpoint file or run folder to continue from.")
  Path resume;

  @Spec CommandSpec spec;

  /**
   * Runs the example.
   *
   * @param args {@code --data DIR [--output DIR] [--gpus N] [--set field=value]... [--resume PATH]}
   */
  public static void main(String[] args) {
    Examples.main(new Kinetics400Pretrain(), args);
  }

  @Override
  public Integer call() {
    Path output = options.outputOr("runs/k400-pretrain");
    PretrainConfig config =
        Protocols.load(PretrainConfig.defaults(), PROTOCOL, options.overrides(output));

    Injector injector = Examples.injector();
    PretrainResult run = injector.getInstance(Pretrainer.class).pretrain(config, resume);
    Path backbone =
        injector
            .getInstance(BackboneExporter.class)
            .export(
                new ExportConfig(
                    run.outputDir().toString(), output.resolve("backbone").toString()));

    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "k400-pretrain: %d epochs (%d steps) in %.0f s; last checkpoint %s%n",
        run.epochs(), run.steps(), run.seconds(), run.lastCheckpoint());
    run.lastEpochLosses().forEach((term, value) -> out.printf("  %-30s %.4f%n", term, value));
    out.println("  backbone: " + backbone);
    out.flush();
    return 0;
  }
}
