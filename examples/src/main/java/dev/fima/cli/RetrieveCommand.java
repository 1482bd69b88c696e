package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.RetrieveConfig;
import dev.fima.api.jobs.Retriever;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima retrieve}: nearest-neighbour video retrieval. */
@Command(
    name = "retrieve",
    mixinStandardHelpOptions = true,
    description = "Query the training videos with each test video; report recall@k.")
final class RetrieveCommand extends JobCommand<RetrieveConfig> {

  @Option(
      names = "--backbone",
      paramLabel = "DIR",
      description = "Exported backbone folder, or random:<name> (backbone).")
  String backbone;

  @Override
  protected RetrieveConfig defaults() {
    return RetrieveConfig.defaults();
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
  protected void run(RetrieveConfig config, Injector injector) {
    Reports.print(out(), injector.getInstance(Retriever.class).retrieve(config));
  }
}
