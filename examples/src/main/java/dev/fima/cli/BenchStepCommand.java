package dev.fima.cli;

import dev.fima.api.FimaException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fima bench step}: time of one FIMA training step per backbone and input size. */
@Command(
    name = "step",
    mixinStandardHelpOptions = true,
    description = "Milliseconds per FIMA step (forward + backward) per backbone and input size.")
final class BenchStepCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new FimaException("the step benchmark is not built yet (issue 4)");
  }
}
