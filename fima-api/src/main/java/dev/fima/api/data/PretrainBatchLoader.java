package dev.fima.api.data;

/**
 * Parallel, prefetching loader of pretraining batches. The order and the crops of an epoch are a
 * pure function of the seed and the epoch number, so a run resumed at any batch sees exactly the
 * batches the uninterrupted run would have seen. A video that fails to decode is quarantined and
 * its slot refilled from the same epoch order, never silently replaced by another label. Every
 * batch is full: the last incomplete one of an epoch is dropped.
 */
public interface PretrainBatchLoader extends BatchLoader<PretrainBatch> {

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
