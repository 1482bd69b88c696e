package dev.fima.api.data;

/**
 * Turns a loaded batch into model inputs on the batch's device: frame differences from the cropped
 * clips, then independent colour augmentation of every tensor (section 1.3). Running on the device,
 * as the reference does on the GPU, keeps the loader threads free for decoding.
 */
public interface PretrainAugmenter {

  /**
   * Augments one batch. The result is a pure function of the batch and {@code seed}, so that a
   * resumed run sees the same augmentation as an uninterrupted one.
   *
   * @param batch the loaded batch
   * @param seed seed of this step's random parameters
   * @param motion whether the frame-difference fields are needed (false for the MoCo baseline)
   * @return the model inputs, attached to the batch's manager
   */
  FimaInputs augment(PretrainBatch batch, long seed, boolean motion);
}
