package dev.fima.api.config;

/**
 * Settings every job shares.
 *
 * @param seed seed of every random choice (sampling, augmentation, initialisation)
 * @param device devices to run on
 * @param output folder that receives checkpoints, metrics and reports
 * @param threads libtorch intra-op threads; 0 keeps libtorch's default (one per core)
 */
public record RunConfig(long seed, DeviceConfig device, String output, int threads) {

  /** Validates the ranges. */
  public RunConfig {
    Check.present("device", device);
    Check.present("output", output);
    Check.atLeast("threads", threads, 0);
  }

  /**
   * Returns seed 42 (the reference's), one CPU and the {@code runs/latest} folder.
   *
   * @return the defaults
   */
  public static RunConfig defaults() {
    return new RunConfig(42, DeviceConfig.defaults(), "runs/latest", 0);
  }
}
