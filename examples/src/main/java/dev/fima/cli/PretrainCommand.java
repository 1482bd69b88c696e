package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.PretrainConfig;
import dev.fima.api.jobs.PretrainResult;
import dev.fima.api.jobs.Pretrainer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima pretrain}: self-supervised pretraining with FIMA or the MoCo baseline. */
@Command(
    name = "pretrain",
    mixinStandardHelpOptions = true,
    description = "Pretrain a backbone with FIMA (or the MoCo baseline: --set model.method=moco).")
final class PretrainCommand extends JobCommand<PretrainConfig> {

  @Option(
      names = "--resume",
      paramLabel = "PATH",
      description = "Checkpoint file or run folder to continue from.")
  Path resume;

  @Override
  protected PretrainConfig defaults() {
    return PretrainConfig.defaults();
  }

  @Override
  protected void run(PretrainConfig config, Injector injector) {
    Pretrainer pretrainer = injector.getInstance(Pretrainer.class);
    StopOnSignal.run(
        pretrainer,
        spec.commandLine().getErr(),
        () -> {
          PretrainResult result = pretrainer.pretrain(config, resume);
          out()
              .printf(
                  "pretrained %d epochs (%d steps) in %.0f s; last checkpoint %s%n",
                  result.epochs(),
                  result.steps(),
                  result.seconds(),
                  result.lastCheckpoint() == null
                      ? "none (rank 0 writes the checkpoints)"
                      : result.lastCheckpoint());
          if (!result.leftOut().isEmpty()) {
            out().printf("%d videos were left out of this run:%n", result.leftOut().size());
            result.leftOut().forEach(e -> out().printf("  %s: %s%n", e.video(), e.reason()));
          }
          out().flush();
        });
  }
}
