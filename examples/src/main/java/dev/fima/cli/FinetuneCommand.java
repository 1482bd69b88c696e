package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.FinetuneConfig;
import dev.fima.api.jobs.FineTuner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima finetune}: trains a whole backbone with a classifier head. */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    description = "Fine-tune a backbone with a classifier head, then test the last epoch.")
final class FinetuneCommand extends JobCommand<FinetuneConfig> {

  @Option(
      names = "--backbone",
      paramLabel = "DIR",
      description = "Exported backbone folder, or random:<name> (backbone).")
  String backbone;

  @Option(
      names = "--resume",
      paramLabel = "PATH",
      description = "Fine-tuning checkpoint file or run folder to continue from.")
  Path resume;

  @Override
  protected FinetuneConfig defaults() {
    return FinetuneConfig.defaults();
  }

  @Override
  protected List<String> commandOverrides() {
    List<String> list = new ArrayList<>();
    if (backbone != null) {
      list.add("backbone=" + backbone);
    }
    return list;
  }

  @Override
  protected void run(FinetuneConfig config, Injector injector) {
    FineTuner tuner = injector.getInstance(FineTuner.class);
    StopOnSignal.run(
        tuner,
        spec.commandLine().getErr(),
        () -> {
          Reports.print(out(), tuner.finetune(config, resume));
          out().flush();
        });
  }
}
