package dev.fima.eval.metrics;

import ai.djl.ndarray.NDArray;
import dev.fima.api.config.Averaging;

/**
 * Combines the predictions of the K = clips x crops views of each video into one score row, the
 * same way for every backbone (the reference averages log-probabilities for I3D and logits for
 * R(2+1)D; section 8 of the method notes).
 */
public final class ClipAveraging {

  private ClipAveraging() {}

  /**
   * Averages per-view logits into per-video scores on their device.
   *
   * @param logits {@code [B, K, classes]} raw classifier outputs of each view
   * @param averaging {@link Averaging#PROBABILITIES}: mean of the softmax of each view (a
   *     probability vector); {@link Averaging#LOGITS}: mean of the raw logits
   * @return {@code [B, classes]} video scores
   * @throws IllegalArgumentException when {@code logits} is not 3-D
   */
  public static NDArray combine(NDArray logits, Averaging averaging) {
    if (logits.getShape().dimension() != 3) {
      throw new IllegalArgumentException(
          "expected [videos, views, classes] logits, got " + logits.getShape());
    }
    return switch (averaging) {
      case PROBABILITIES -> logits.softmax(2).mean(new int[] {1});
      case LOGITS -> logits.mean(new int[] {1});
    };
  }
}
