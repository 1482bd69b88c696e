package dev.fima.examples;

import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.jobs.LinearProbe;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Linear probe on UCF101: frozen backbone, standardised single-clip features, lr x weight decay
 * swept on a validation part of the training split, 10 x 1 test clips ({@code
 * examples/configs/ucf101-linear.yaml}; the reference has no linear-probe script).
 *
 * <pre>
 * ./fima example ucf101-linear --backbone runs/ucf101-pretrain/backbone --data /path/to/ucf101 --split all --gpus 1
 * </pre>
 *
 * <p>With {@code --split all} it runs splits 1-3 in turn into {@code <output>/split<k>} and writes
 * their mean to {@code <output>/summary.md} and {@code summary.json}; with one split it writes
 * {@code <output>/linear-probe.md}, {@code .json} and {@code -config.yaml}.
 */
@Command(
    name = "ucf101-linear",
    mixinStandardHelpOptions = true,
    description =
        "Linear probe on UCF101 (frozen backbone, sweep on a validation part, 224 px, 10x1 test"
            + " clips), splits 1-3.")
public final class Ucf101LinearProbe implements Callable<Integer> {

  /** The protocol file in {@code examples/configs/}. */
  public static final String PROTOCOL = "ucf101-linear.yaml";

  @Mixin ExampleOptions options;

  @Mixin BackboneOption backbone;

  @Mixin SplitOption split;

  @Spec CommandSpec spec;

  /**
   * Runs the example.
   *
   * @param args {@code --data DIR --backbone DIR [--split 1|2|3|all] [--output DIR] [--gpus N]
   *     [--set field=value]...}
   */
  public static void main(String[] args) {
    Examples.main(new Ucf101LinearProbe(), args);
  }

  @Override
  public Integer call() {
    LinearProbe job = Examples.injector().getInstance(LinearProbe.class);
    SplitSweep.run(
        "ucf101-linear",
        split.splits(),
        options.outputOr("runs/ucf101-linear"),
        (split, output) ->
            Protocols.load(
                LinearProbeConfig.defaults(),
                PROTOCOL,
                options.overrides(output, "backbone=" + backbone.backbone, "data.split=" + split)),
        config -> job.probe(config),
        spec.commandLine().getOut());
    return 0;
  }
}
