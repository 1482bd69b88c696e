package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.ConfigException;
import dev.fima.api.config.DemoConfig;
import dev.fima.demo.Demo;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fima demo}: the end-to-end demonstration on generated motion videos (or a real dataset
 * with {@code --data}), FIMA against the MoCo baseline between a random floor and a supervised
 * ceiling.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Generate motion videos, pretrain FIMA and the MoCo baseline with the same budget and seed,"
          + " train the same backbone with labels (ceiling), and compare them and the random"
          + " initialisation (floor) with a linear probe and retrieval.",
      "About 15 minutes on a 2-core CPU; --scale makes every training longer, --data uses a real"
          + " dataset (with --dataset), --set changes any field (see --print-config)."
    })
final class DemoCommand extends JobCommand<DemoConfig> {

  @Option(
      names = "--scale",
      paramLabel = "F",
      description =
          "Multiply the pretraining and ceiling epochs by F (e.g. 4 for a longer, stronger run).")
  double scale = 1;

  @Override
  protected DemoConfig defaults() {
    return DemoConfig.defaults();
  }

  @Override
  protected List<String> commandOverrides() {
    List<String> list = new ArrayList<>();
    if (options.output == null) {
      // A fresh folder per run, so a second demo never mixes its reports with the first's.
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
      list.add("run.output=runs/demo-" + stamp);
    }
    return list;
  }

  @Override
  DemoConfig resolveConfig() {
    DemoConfig config = super.resolveConfig();
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new ConfigException("--scale", "must be a positive number, got " + scale);
    }
    if (scale == 1) {
      return config;
    }
    return Demo.with(
        config,
        Map.of(
            "pretrain.epochs", scaled(config.pretrain().epochs()),
            "ceiling.epochs", scaled(config.ceiling().epochs())));
  }

  @Override
  protected void run(DemoConfig config, Injector injector) {
    injector.getInstance(Demo.class).run(config, out());
  }

  private int scaled(int epochs) {
    return Math.max(1, (int) Math.round(epochs * scale));
  }
}
