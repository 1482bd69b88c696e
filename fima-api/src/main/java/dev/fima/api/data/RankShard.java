package dev.fima.api.data;

/**
 * The part of every global batch one rank of a data-parallel run loads, as PyTorch's {@code
 * DistributedSampler} shards an epoch: every rank draws the same epoch order from the run seed, and
 * rank {@code r} of {@code n} takes the {@code r}-th of {@code n} equal, consecutive slices of each
 * global batch of {@code batchSize} samples. Each video is therefore loaded once per epoch across
 * the ranks, and the ranks' slices one after the other are the batch one process would load.
 *
 * @param rank this rank, from 0
 * @param ranks the number of ranks; it divides the batch size
 */
public record RankShard(int rank, int ranks) {

  /** The whole of every batch: a run of one process. */
  public static final RankShard WHOLE = new RankShard(0, 1);

  /** Checks the ranks. */
  public RankShard {
    if (ranks < 1 || rank < 0 || rank >= ranks) {
      throw new IllegalArgumentException(
          "rank must be in [0, ranks), got " + rank + " of " + ranks);
    }
  }

  /**
   * Returns the samples this rank loads of a global batch.
   *
   * @param batchSize samples of a global batch, a multiple of {@link #ranks}
   * @return {@code batchSize / ranks}
   */
  public int localBatch(int batchSize) {
    if (batchSize % ranks != 0) {
      throw new IllegalArgumentException(
          "a batch of " + batchSize + " cannot be split over " + ranks + " ranks");
    }
    return batchSize / ranks;
  }

  /**
   * Returns the position, in the epoch order, of a sample of this rank's slice of a batch.
   *
   * @param batch the batch within the epoch
   * @param batchSize samples of a global batch
   * @param slot the sample's place in this rank's slice
   * @return its position in the epoch order
   */
  public int position(int batch, int batchSize, int slot) {
    return batch * batchSize + rank * localBatch(batchSize) + slot;
  }
}
