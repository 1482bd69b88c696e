package dev.fima.bench;

import ai.djl.Device;
import dev.fima.djl.nd.EngineThreads;
import picocli.CommandLine.Option;

/**
 * The engine options the model benchmarks share ({@code fima bench step}, {@code fima bench
 * gradients}): a picocli mixin, so that both read them the same way.
 */
final class BenchEngineOptions {

  @Option(
      names = "--threads",
      description = "libtorch intra-op threads; 0 keeps the default (default ${DEFAULT-VALUE}).")
  int threads = 0;

  @Option(names = "--device", description = "cpu, or gpu(0) etc. (default ${DEFAULT-VALUE}).")
  String device = "cpu";

  /**
   * Sets libtorch's thread count and returns the device to run on.
   *
   * @return the device named by {@code --device}
   */
  Device apply() {
    EngineThreads.apply(threads);
    return Device.fromName(device);
  }
}
