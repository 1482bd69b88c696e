package dev.fima.cli;

import dev.fima.examples.Diving48Finetune;
import dev.fima.examples.Hmdb51Finetune;
import dev.fima.examples.Hmdb51LinearProbe;
import dev.fima.examples.Hmdb51Retrieval;
import dev.fima.examples.Kinetics400Pretrain;
import dev.fima.examples.TransferToYourVideos;
import dev.fima.examples.Ucf101Finetune;
import dev.fima.examples.Ucf101LinearProbe;
import dev.fima.examples.Ucf101Pretrain;
import dev.fima.examples.Ucf101Retrieval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code fima example}: lists the benchmark examples ({@code dev.fima.examples}) and runs one, e.g.
 * {@code ./fima example ucf101-finetune --backbone runs/ucf101-pretrain/backbone --data ucf101}.
 */
@Command(
    name = "example",
    mixinStandardHelpOptions = true,
    description =
        "Run a benchmark example with its reference protocol; './fima example <name> --help'"
            + " shows its options.",
    subcommands = {
      Ucf101Pretrain.class,
      Kinetics400Pretrain.class,
      Ucf101Finetune.class,
      Ucf101LinearProbe.class,
      Hmdb51Finetune.class,
      Hmdb51LinearProbe.class,
      Diving48Finetune.class,
      Ucf101Retrieval.class,
      Hmdb51Retrieval.class,
      TransferToYourVideos.class
    })
final class ExampleCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
