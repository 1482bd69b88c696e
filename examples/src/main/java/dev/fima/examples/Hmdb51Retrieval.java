package dev.fima.examples;

import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.jobs.Retriever;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Video retrieval on HMDB51, FAME's protocol: the mean feature of 10 uniform clips, centred and
 * L2-normalised; test videos query the training videos; recall@1/5/10/20/50 ({@code
 * examples/configs/hmdb51-retrieve.yaml}).
 *
 * <pre>
 * ./fima example hmdb51-retrieve --backbone runs/ucf101-pretrain/backbone --data /path/to/hmdb51 --split all --gpus 1
 * </pre>
 *
 * <p>With {@code --split all} it runs splits 1-3 in turn into {@code <output>/split<k>} and writes
 * their mean to {@code <output>/summary.md} and {@code summary.json}; with one split it writes
 * {@code <output>/retrieve.md}, {@code .json} and {@code -config.yaml}.
 */
@Command(
    name = "hmdb51-retrieve",
    mixinStandardHelpOptions = true,
    description =
        "Retrieval on HMDB51 (10 clips per video, test queries the training gallery,"
            + " recall@1/5/10/20/50), splits 1-3.")
public final class Hmdb51Retrieval implements Callable<Integer> {

  /** The protocol file in {@code examples/configs/}. */
  public static final String PROTOCOL = "hmdb51-retrieve.yaml";

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
    Examples.main(new Hmdb51Retrieval(), args);
  }

  @Override
  public Integer call() {
    Retriever job = Examples.injector().getInstance(Retriever.class);
    SplitSweep.run(
        "hmdb51-retrieve",
        split.splits(),
        options.outputOr("runs/hmdb51-retrieve"),
        (split, output) ->
            Protocols.load(
                RetrieveConfig.defaults(),
                PROTOCOL,
                options.overrides(output, "backbone=" + backbone.backbone, "data.split=" + split)),
        config -> job.retrieve(config),
        spec.commandLine().getOut());
    return 0;
  }
}
