package dev.fima.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fima bench}: the measurements behind BENCHMARKS.md. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks whose figures go into BENCHMARKS.md.",
    subcommands = {
      BenchDataCommand.class,
      BenchStepCommand.class,
      BenchSoakCommand.class,
      BenchGradientsCommand.class,
      BenchDecodeCommand.class,
      BenchAllReduceCommand.class
    })
public final class BenchCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
