package dev.fima.api.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/**
 * Parallel, prefetching loader of labelled clip batches. Like {@link PretrainBatchLoader}, an epoch
 * is a pure function of the seed and the epoch number, and undecodable videos are quarantined
 * (reported, never replaced by another label).
 */
public interface LabeledBatchLoader extends AutoCloseable {

  /**
   * Returns the number of batches in one epoch.
   *
   * @return batches per epoch
   */
  int batchesPerEpoch();

  /**
   * Iterates one epoch, starting at a given batch.
   *
   * @param manager receives the arrays of each batch
   * @param epoch 0-based epoch number (ignored by evaluation loaders, which are deterministic)
   * @param fromBatch index of the first batch to deliver
   * @return the batches
   */
  Iterator<LabeledBatch> epoch(NDManager manager, int epoch, int fromBatch);

  /**
   * Returns the counters so far.
   *
   * @return the statistics
   */
  LoaderStats stats();

  /** Stops the worker threads. */
  @Override
  void close();
}
