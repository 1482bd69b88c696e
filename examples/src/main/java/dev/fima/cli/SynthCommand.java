package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.SynthConfig;
import dev.fima.api.jobs.SyntheticVideoGenerator;
import java.nio.file.Path;
import picocli.CommandLine.Command;

/** {@code fima synth}: writes the motion-defined video dataset. */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description =
        "Generate a motion-defined video dataset (random appearance, class = motion) in the"
            + " UCF101 layout with split files.")
final class SynthCommand extends JobCommand<SynthConfig> {

  @Override
  protected SynthConfig defaults() {
    return SynthConfig.defaults();
  }

  @Override
  protected void run(SynthConfig config, Injector injector) {
    Path root = injector.getInstance(SyntheticVideoGenerator.class).generate(config);
    out().println("dataset written to " + root.toAbsolutePath());
  }
}
