package dev.fima.examples;

import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.jobs.FineTuner;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Fine-tuning on Diving48 V2 (one official split) with the UCF101 protocol of {@code eval.sh}; FIMA
 * ships no Diving48 code ({@code examples/configs/diving48-finetune.yaml}).
 *
 * <pre>
 * ./fima example diving48-finetune --backbone runs/ucf101-pretrain/backbone --data /path/to/diving48 --gpus 1
 * </pre>
 *
 * <p>It writes {@code <output>/finetune.md}, {@code .json} (numbers with their protocol) and {@code
 * -config.yaml}.
 */
@Command(
    name = "diving48-finetune",
    mixinStandardHelpOptions = true,
    description =
        "Fine-tune on Diving48 V2 with the UCF101 protocol (150 epochs, lr 0.01, steps 60/120, 224 px,"
            + " 10x1 test clips).")
public final class Diving48Finetune implements Callable<Integer> {

  /** The protocol file in {@code examples/configs/}. */
  public static final String PROTOCOL = "diving48-finetune.yaml";

  @Mixin ExampleOptions options;

  @Mixin BackboneOption backbone;

  @Spec CommandSpec spec;

  /**
   * Runs the example.
   *
   * @param args {@code --data DIR --backbone DIR [--output DIR] [--gpus N] [--set field=value]...}
   */
  public static void main(String[] args) {
    Examples.main(new Diving48Finetune(), args);
  }

  @Override
  public Integer call() {
    FineTuner job = Examples.injector().getInstance(FineTuner.class);
    SplitSweep.run(
        "diving48-finetune",
        List.of(1), // Diving48 has one official split
        options.outputOr("runs/diving48-finetune"),
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
