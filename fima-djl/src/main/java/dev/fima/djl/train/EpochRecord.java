package dev.fima.djl.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch reports to the {@link StepListener}s when it ends.
 *
 * @param epoch 0-based epoch
 * @param step global step count at its end
 * @param means mean of each reported value over the epoch's completed (not skipped) steps
 * @param steps steps run in this epoch by this process (fewer than the epoch's length after a
 *     resume in the middle of it)
 * @param skippedSteps steps whose update was skipped
 * @param samples samples seen
 * @param seconds wall time
 * @param dataSeconds time spent waiting for data
 */
public record EpochRecord(
    int epoch,
    long step,
    Map<String, Double> means,
    int steps,
    int skippedSteps,
    long samples,
    double seconds,
    double dataSeconds) {

  /** Copies the means, keeping their order. */
  public EpochRecord {
    means = Collections.unmodifiableMap(new LinkedHashMap<>(means));
  }

  /**
   * Returns the throughput of the epoch.
   *
   * @return samples per second of wall time
   */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : 0;
  }

  /**
   * Returns the share of the epoch spent waiting for data.
   *
   * @return a fraction in [0, 1]
   */
  public double dataWaitShare() {
    return seconds > 0 ? Math.min(1, dataSeconds / seconds) : 0;
  }
}
