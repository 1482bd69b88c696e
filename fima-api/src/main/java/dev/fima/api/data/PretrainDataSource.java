package dev.fima.api.data;

import ai.djl.util.Progress;
import dev.fima.api.config.PretrainConfig;

/**
 * What the pretraining loop needs from the data side, bound by Guice so that the model module does
 * not depend on the datasets module.
 */
public interface PretrainDataSource {

  /**
   * Prepares the dataset of a run (index, split checks) and opens its loader. As DJL's {@code
   * Dataset.prepare(Progress)}, the caller decides where progress goes; the data side never prints.
   *
   * @param config the run
   * @param progress receives the progress of indexing the videos, or {@code null} for none
   * @return an open loader; the caller closes it
   */
  PretrainBatchLoader open(PretrainConfig config, Progress progress);

  /**
   * Returns the augmentation of a run.
   *
   * @param config the run
   * @return the augmenter
   */
  PretrainAugmenter augmenter(PretrainConfig config);
}
