package dev.fima.cli;

import com.google.inject.Injector;
import dev.fima.api.config.TestConfig;
import dev.fima.api.jobs.ClipTester;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fima test}: multi-clip, multi-crop testing of a fine-tuned classifier. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = "Test a fine-tuned classifier with N uniform clips x M crops per video.")
final class TestCommand extends JobCommand<TestConfig> {

  @Option(names = "--model", paramLabel = "DIR", description = "Fine-tuned model folder (model).")
  String model;

  @Override
  protected TestConfig defaults() {
    return TestConfig.defaults();
  }

  @Override
  protected List<String> commandOverrides() {
    List<String> list = new ArrayList<>();
    if (model != null) {
      list.add("model=" + model);
    }
    return list;
  }

  @Override
  protected void run(TestConfig config, Injector injector) {
    Reports.print(out(), injector.getInstance(ClipTester.class).test(config));
  }
}
