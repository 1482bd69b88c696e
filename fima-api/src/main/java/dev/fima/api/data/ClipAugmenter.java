package dev.fima.api.data;

import ai.djl.ndarray.NDArray;

/**
 * Colour augmentation and normalisation of clip batches on their device. Parameters are drawn per
 * sample and shared by all frames of a clip.
 */
public interface ClipAugmenter {

  /**
   * Applies the training-time colour augmentation and normalises.
   *
   * @param clips {@code [B, 3, T, S, S]} in [0, 1]
   * @param seed seed of the random parameters of this batch
   * @return augmented, normalised clips, same shape
   */
  NDArray augment(NDArray clips, long seed);

  /**
   * Normalises with the Kinetics mean and standard deviation, nothing else (evaluation).
   *
   * @param clips {@code [..., 3, T, S, S]} in [0, 1]
   * @return normalised clips, same shape
   */
  NDArray normalize(NDArray clips);
}
