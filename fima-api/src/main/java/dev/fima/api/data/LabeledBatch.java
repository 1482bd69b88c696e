package dev.fima.api.data;

import ai.djl.ndarray.NDArray;

/**
 * A batch of labelled clips, values in [0, 1] (colour augmentation and normalisation happen on the
 * device, see {@link ClipAugmenter}).
 *
 * @param clips {@code [B, 3, T, S, S]} for training, {@code [B, K, 3, T, S, S]} for evaluation with
 *     K = clips x crops per video
 * @param labels {@code [B]} int64 class indices
 * @param videoIndices index of each sample's video in the list the loader was opened on
 */
public record LabeledBatch(NDArray clips, NDArray labels, int[] videoIndices) {

  /**
   * Returns the number of samples.
   *
   * @return B
   */
  public int size() {
    return (int) labels.getShape().get(0);
  }
}
