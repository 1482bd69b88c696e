package dev.fima.api.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/**
 * Parallel, prefetching loader of pretraining batches. The order and the crops of an epoch are a
 * pure function of the seed and the epoch number, so a run resumed at any batch sees exactly the
 * batches the uninterrupted run would have seen. A video that fails to decode is quarantined and
 * its slot refilled from the same epoch order, never silently replaced by another label.
 */
public interface PretrainBatchLoader extends AutoCloseable {

  /**
   * Returns the number of full batches in one epoch (the last incomplete batch is dropped).
   *
   * @return batches per epoch
   */
  int batchesPerEpoch();

  /**
   * Iterates one epoch, starting at a given batch.
   *
   * @param manager receives the arrays of each batch (close a per-step sub-manager instead to free
   *     them early)
   * @param epoch 0-based epoch number
   * @param fromBatch index of the first batch to deliver, 0 for a whole epoch
   * @return the batches
   */
  Iterator<PretrainBatch> epoch(NDManager manager, int epoch, int fromBatch);

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
