package dev.fima.examples;

import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.jobs.FineTuner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Fine-tuning on HMDB51, the reference's {@code eval.sh} with 51 classes: dropout 0.5, 150 epochs,
 * lr 0.01 at batch 16 with steps at 60 and 120, 224-pixel crops, 10 x 1 test clips ({@code
 * examples/configs/hmdb51-finetune.yaml}).
 *
 * <pre>
 * ./fima example hmdb51-finetune --backbone runs/ucf101-pretrain/backbone --data /path/to/hmdb51 --split all --gpus 1
 * </pre>
 *
 * <p>With {@code --split all} it runs splits 1-3 in turn into {@code <output>/split<k>} and writes
 * their mean to {@code <output>/summary.md} and {@code summary.json}; with one split it writes
 * {@code <output>/finetune.md}, {@code .json} and {@code -config.yaml}.
 */
@Command(
    name = "hmdb51-finetune",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune on HMDB51 (eval.sh: 150 epochs, lr 0.01, steps 60/120, dropout 0.5, 224 px,"
            + " 10x1 test clips), splits 1-3.")
public final class Hmdb51Finetune implements Callable<Integer> {

  /** The protocol file in {@code examples/configs/}. */
  public static final String PROTOCOL = "hmdb51-finetune.yaml";

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
    Examples.main(new Hmdb51Finetune(), args);
  }

  @Override
  public Integer call() {
    FineTuner job = Examples.injector().getInstance(FineTuner.class);
    SplitSweep.run(
        "hmdb51-finetune",
        split.splits(),
        options.outputOr("runs/hmdb51-finetune"),
        (split, output) ->
            Protocols.load(
                FinetuneConfig.defaults(),
                PROTOCOL,
                options.overrides(output, "backbone=" + backbone.backbone, "data.split=" + split)),
        config -> job.finetune(config, null),
        spec.commandLine().getOut());
    return 0;
  }
}
