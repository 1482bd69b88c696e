package dev.fima.djl.train;

import dev.fima.api.random.Seeds;

/**
 * Where a training run stands: the next batch to train and the optimiser steps done so far. Every
 * random choice of a step is derived from the run seed and (epoch, batch) ({@link Seeds}), so this
 * is all the generator state a checkpoint needs; pretraining and fine-tuning save it in every
 * checkpoint and {@link TrainingLoop} resumes from it.
 *
 * @param epoch 0-based epoch of the next batch
 * @param batch 0-based index of the next batch within its epoch
 * @param step optimiser steps done so far
 */
public record Position(int epoch, int batch, long step) {

  /** The start of a run. */
  public static final Position START = new Position(0, 0, 0);

  /**
   * Returns the position after one more batch, moving to the next epoch after its last batch.
   *
   * @param batchesPerEpoch batches per epoch
   * @return the next position
   */
  public Position next(int batchesPerEpoch) {
    int b = batch + 1;
    return b >= batchesPerEpoch
        ? new Position(epoch + 1, 0, step + 1)
        : new Position(epoch, b, step + 1);
  }

  /**
   * Derives the seed of a random choice made at this position: {@link Seeds#derive}{@code (runSeed,
   * tags..., epoch, batch)}, the same in every run that reaches this batch.
   *
   * @param runSeed the run seed
   * @param tags what the seed is for (a purpose tag), possibly none
   * @return the seed
   */
  public long seed(long runSeed, long... tags) {
    long[] values = java.util.Arrays.copyOf(tags, tags.length + 2);
    values[tags.length] = epoch;
    values[tags.length + 1] = batch;
    return Seeds.derive(runSeed, values);
  }

  /**
   * Tells whether this is the start of an epoch: its batch 0.
   *
   * @return true at batch 0
   */
  public boolean atEpochStart() {
    return batch == 0;
  }
}
