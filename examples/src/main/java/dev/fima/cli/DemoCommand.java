package dev.fima.cli;

import dev.fima.api.FimaException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fima demo}: the end-to-end demonstration on generated motion videos. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Generate motion videos, pretrain FIMA and the MoCo baseline, and compare them with a"
            + " linear probe and retrieval.")
final class DemoCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new FimaException("the demo is not built yet (issue 8)");
  }
}
