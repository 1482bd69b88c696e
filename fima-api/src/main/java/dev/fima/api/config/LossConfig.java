package dev.fima.api.config;

/**
 * The loss terms and their weights (section 4 of the method notes). A weight of 0 switches a term
 * off (the "no local" and "no dense" ablations).
 *
 * @param temperature temperature of the instance and local InfoNCE terms
 * @param denseTemperature temperature of the dense term
 * @param posRatio a key cell is a positive when its centre lies closer than this many cell
 *     diagonals to the query cell's centre
 * @param instanceWeight weight of the global RGB instance term
 * @param localWeight weight of the local (frame-level) motion term
 * @param denseWeight weight of the dense pixel-level motion term
 * @param referenceEnqueueOrder reproduce the reference's bug of enqueueing the first key before the
 *     second logit is computed, leaking a near-duplicate negative
 * @param localNegatives the in-batch negative set of the local term
 */
public record LossConfig(
    double temperature,
    double denseTemperature,
    double posRatio,
    double instanceWeight,
    double localWeight,
    double denseWeight,
    boolean referenceEnqueueOrder,
    LocalNegatives localNegatives) {

  /** Validates the ranges. */
  public LossConfig {
    Check.positive("temperature", temperature);
    Check.positive("denseTemperature", denseTemperature);
    Check.positive("posRatio", posRatio);
    Check.nonNegative("instanceWeight", instanceWeight);
    Check.nonNegative("localWeight", localWeight);
    Check.nonNegative("denseWeight", denseWeight);
    Check.present("localNegatives", localNegatives);
  }

  /**
   * Returns the reference weights and temperatures (all 1.0 and 0.1, pos ratio 0.7) with the
   * enqueue-order bug fixed.
   *
   * @return the defaults
   */
  public static LossConfig defaults() {
    return new LossConfig(0.1, 0.1, 0.7, 1.0, 1.0, 1.0, false, LocalNegatives.REFERENCE);
  }
}
