package dev.fima.api.config;

/**
 * Multi-clip testing of a fine-tuned classifier.
 *
 * @param model fine-tuned model folder (written by fine-tuning)
 * @param data the labelled dataset; its test split is used
 * @param clip clip geometry
 * @param clips uniform clips per video
 * @param crops crops per clip (1 = centre, 3 = left/centre/right)
 * @param averaging how clip predictions are combined
 * @param batchSize clips per forward pass
 * @param run seed, devices, output folder
 */
public record TestConfig(
    String model,
    DataConfig data,
    ClipConfig clip,
    int clips,
    int crops,
    Averaging averaging,
    int batchSize,
    RunConfig run) {

  /** Validates the ranges. */
  public TestConfig {
    Check.present("data", data);
    Check.present("clip", clip);
    Check.present("averaging", averaging);
    Check.present("run", run);
    Check.atLeast("clips", clips, 1);
    Check.that(crops == 1 || crops == 3, "crops", "must be 1 or 3, got " + crops);
    Check.atLeast("batchSize", batchSize, 1);
  }

  /**
   * Returns 10 clips x 1 centre crop with probability averaging.
   *
   * @return the defaults
   */
  public static TestConfig defaults() {
    return new TestConfig(
        null,
        DataConfig.defaults(),
        ClipConfig.defaults(),
        10,
        1,
        Averaging.PROBABILITIES,
        10,
        RunConfig.defaults());
  }
}
