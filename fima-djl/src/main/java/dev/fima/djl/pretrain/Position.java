package dev.fima.djl.pretrain;

/**
 * Where a run stands: the next batch to train and the steps done so far. Every random choice of a
 * step is derived from the run seed and (epoch, batch), so this is all the generator state a
 * checkpoint needs.
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
}
