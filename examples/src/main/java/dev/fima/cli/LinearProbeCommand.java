package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.LinearProbeConfig;
import dev.fima.api.jobs.LinearProbe;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima linear-probe}: a linear classifier on frozen backbone features. */
@Command(
    name = "linear-probe",
    mixinStandardHelpOptions = true,
    description = "Train a linear classifier on frozen backbone features and test it.")
final class LinearProbeCommand extends JobCommand<LinearProbeConfig> {

  @Option(
      names = "--backbone",
      paramLabel = "DIR",
      description = "Exported backbone folder, or random:<name> (backbone).")
  String backbone;

  @Override
  protected LinearProbeConfig defaults() {
    return LinearProbeConfig.defaults();
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
  protected void run(LinearProbeConfig config, Injector injector) {
    Reports.print(out(), injector.getInstance(LinearProbe.class).probe(config));
  }
}
