package dev.fima.api.data;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/**
 * Batches by epoch, resumable at any batch: what a training loop reads. An epoch is a pure function
 * of the epoch number (and whatever seed the loader was opened with), so a run resumed at batch k
 * of epoch e sees exactly the batches an uninterrupted run would have seen from there.
 *
 * @param <B> the batch type
 */
public interface BatchLoader<B> extends AutoCloseable {

  /**
   * Returns the number of batches in one epoch.
   *
   * @return batches per epoch, the same for every epoch
   */
  int batchesPerEpoch();

  /**
   * Iterates one epoch, starting at a given batch.
   *
   * @param manager receives the arrays of each batch (a training loop attaches them to a per-step
   *     sub-manager to free them early)
   * @param epoch 0-based epoch number
   * @param fromBatch index of the first batch to deliver, 0 for a whole epoch
   * @return the batches, {@link #batchesPerEpoch} minus {@code fromBatch} of them
   */
  Iterator<B> epoch(NDManager manager, int epoch, int fromBatch);

  /** Releases what the loader holds (threads, files); nothing by default. */
  @Override
  default void close() {}
}
