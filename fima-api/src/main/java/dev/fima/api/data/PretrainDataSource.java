package dev.fima.api.data;

import dev.fima.api.config.PretrainConfig;

/**
 * What the pretraining loop needs from the data side, bound by Guice so that the model module does
 * not depend on the datasets module.
 */
public interface PretrainDataSource {

  /**
   * Prepares the dataset of a run (index, split checks) and opens its loader.
   *
   * @param config the run
   * @return an open loader; the caller closes it
   */
  PretrainBatchLoader open(PretrainConfig config);

  /**
   * Returns the augmentation of a run.
   *
   * @param config the run
   * @return the augmenter
   */
  PretrainAugmenter augmenter(PretrainConfig config);
}
