package dev.fima.api.data;

/**
 * Parallel, prefetching loader of labelled clip batches. Like {@link PretrainBatchLoader}, an epoch
 * is a pure function of the seed and the epoch number, and undecodable videos are quarantined
 * (reported, never replaced by another label). Evaluation loaders, which are deterministic, ignore
 * the epoch number.
 */
public interface LabeledBatchLoader extends BatchLoader<LabeledBatch> {

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
