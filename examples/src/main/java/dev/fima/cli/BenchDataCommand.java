package dev.fima.cli;

import dev.fima.api.FimaException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code fima bench data}: data pipeline throughput. */
@Command(
    name = "data",
    mixinStandardHelpOptions = true,
    description = "Pretraining samples/s and single clips/s of the data pipeline.")
final class BenchDataCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    throw new FimaException("the data benchmark is not built yet (issue 3)");
  }
}
