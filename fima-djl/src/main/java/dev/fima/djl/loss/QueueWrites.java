package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.fima.djl.model.FeatureQueue;

/**
 * What a {@link FeatureQueue} would hold after an enqueue, computed without writing to it. The
 * reference's instance loss enqueues the first key set before computing the second logits (section
 * 4(a) of the method notes); reproducing that ordering this way keeps the live queue untouched
 * until every gradient that reads it has been computed.
 */
public final class QueueWrites {

  private QueueWrites() {}

  /**
   * Returns the entries a queue would have after {@link FeatureQueue#enqueue} of {@code keys}: rows
   * written at the pointer, wrapping around the end, only the last K kept when more arrive.
   *
   * @param entries the queue's entries {@code [K, D]}
   * @param pointer the queue's pointer
   * @param keys {@code [n, D]}; their gradient is stopped
   * @return a new {@code [K, D]} array on the device of {@code entries}
   */
  public static NDArray afterEnqueue(NDArray entries, int pointer, NDArray keys) {
    long size = entries.getShape().get(0);
    long n = keys.getShape().get(0);
    NDArray source =
        ContrastMath.onDevice(keys.stopGradient(), entries).toType(entries.getDataType(), false);
    if (n >= size) {
      NDArray last = source.get((n - size) + ":");
      long start = Math.floorMod(pointer + n - size, size);
      if (start == 0) {
        return last;
      }
      return NDArrays.concat(
          new NDList(last.get((size - start) + ":"), last.get(":" + (size - start))), 0);
    }
    long end = pointer + n;
    NDList parts = new NDList();
    if (end <= size) {
      if (pointer > 0) {
        parts.add(ContrastMath.stepOwned(entries.get(":" + pointer), entries, keys));
      }
      parts.add(source);
      if (end < size) {
        parts.add(ContrastMath.stepOwned(entries.get(end + ":"), entries, keys));
      }
    } else {
      long wrapped = end - size;
      parts.add(source.get((n - wrapped) + ":"));
      parts.add(ContrastMath.stepOwned(entries.get(wrapped + ":" + pointer), entries, keys));
      parts.add(source.get(":" + (n - wrapped)));
    }
    return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
  }
}
