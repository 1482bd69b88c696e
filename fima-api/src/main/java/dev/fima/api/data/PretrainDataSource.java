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
   * Prepares the dataset of a run and opens the loader of one rank's part of every batch ({@link
   * RankShard}); its batches hold {@code batchSize / ranks} samples, and it has as many batches per
   * epoch as a loader of the whole.
   *
   * @param config the run
   * @param shard this rank's part; {@link RankShard#WHOLE} gives {@link #open(PretrainConfig,
   *     Progress)}
   * @param progress receives the progress of indexing the videos, or {@code null} for none
   * @return an open loader; the caller closes it
   * @throws UnsupportedOperationException for a part of the batch when this source cannot shard
   */
  default PretrainBatchLoader open(PretrainConfig config, RankShard shard, Progress progress) {
    if (shard.ranks() == 1) {
      return open(config, progress);
    }
    throw new UnsupportedOperationException(
        getClass().getName() + " cannot load a part of each batch for a rank");
  }

  /**
   * Returns the augmentation of a run.
   *
   * @param config the run
   * @return the augmenter
   */
  PretrainAugmenter augmenter(PretrainConfig config);
}
