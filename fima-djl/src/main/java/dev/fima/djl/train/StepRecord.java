package dev.fima.djl.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one optimiser step reports to the {@link StepListener}s.
 *
 * @param epoch 0-based epoch
 * @param batch 0-based batch within the epoch
 * @param batchesPerEpoch steps per epoch
 * @param step global step count after this step (1 for the first step of a run)
 * @param learningRate the rate used by this step
 * @param values loss terms and statistics by name, in report order
 * @param samples samples in the batch
 * @param seconds wall time of the step, waiting for data included
 * @param dataSeconds time spent waiting for the batch
 * @param skipped whether the update was skipped (loss or gradient not finite)
 */
public record StepRecord(
    int epoch,
    int batch,
    int batchesPerEpoch,
    long step,
    double learningRate,
    Map<String, Double> values,
    int samples,
    double seconds,
    double dataSeconds,
    boolean skipped) {

  /** Copies the values, keeping their order. */
  public StepRecord {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /**
   * Returns the throughput of this step.
   *
   * @return samples per second of wall time
   */
  public double samplesPerSecond() {
    return seconds > 0 ? samples / seconds : 0;
  }

  /**
   * Returns the share of the step spent waiting for data.
   *
   * @return a fraction in [0, 1]
   */
  public double dataWaitShare() {
    return seconds > 0 ? Math.min(1, dataSeconds / seconds) : 0;
  }
}
