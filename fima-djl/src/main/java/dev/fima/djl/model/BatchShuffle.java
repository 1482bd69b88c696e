package dev.fima.djl.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.fima.api.random.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Shuffle-BN across devices (section 6 of the method notes): before a key pass the batch is
 * permuted and split over the devices, so that each device's batch-norm statistics mix samples that
 * the query side sees on other devices; afterwards the outputs are gathered and the permutation
 * undone.
 *
 * <p>On one device this changes nothing: batch-norm statistics over a batch do not depend on the
 * order of its samples, so shuffling within a single device, as the reference's single-GPU runs do,
 * is a no-op and the model skips it.
 */
public final class BatchShuffle {

  private BatchShuffle() {}

  /**
   * A permutation of the batch and its inverse.
   *
   * @param order {@code order[i]} is the sample placed at position i
   * @param inverse {@code inverse[order[i]] = i}
   */
  public record Permutation(long[] order, long[] inverse) {

    /** Copies the arrays. */
    public Permutation {
      order = order.clone();
      inverse = inverse.clone();
    }

    /**
     * Draws a uniform random permutation (Fisher-Yates).
     *
     * @param n batch size
     * @param random source of randomness
     * @return the permutation
     */
    public static Permutation random(int n, SplittableRandom random) {
      int[] drawn = Seeds.permutation(n, random);
      long[] order = new long[n];
      for (int i = 0; i < n; i++) {
        order[i] = drawn[i];
      }
      long[] inverse = new long[n];
      for (int i = 0; i < n; i++) {
        inverse[(int) order[i]] = i;
      }
      return new Permutation(order, inverse);
    }
  }

  /**
   * Returns the slice sizes of a batch split over devices: as even as possible, the first slices
   * one larger, as DJL's {@code Batch.split}.
   *
   * @param n batch size
   * @param parts number of devices
   * @return the sizes, summing to n
   */
  public static int[] sliceSizes(int n, int parts) {
    int[] sizes = new int[parts];
    for (int i = 0; i < parts; i++) {
      sizes[i] = n / parts + (i < n % parts ? 1 : 0);
    }
    return sizes;
  }

  /**
   * Permutes a batch along axis 0 and splits it over the devices.
   *
   * @param batch the batch, on any device
   * @param permutation the permutation
   * @param devices one slice per device
   * @return the slices, slice i on device i
   */
  public static List<NDArray> shuffleAndSplit(
      NDArray batch, Permutation permutation, Device[] devices) {
    NDArray index =
        batch.getManager().create(permutation.order()).toDevice(batch.getDevice(), false);
    return split(batch.get(new NDIndex("{}", index)), devices);
  }

  /**
   * Splits a batch along axis 0 over devices, in order.
   *
   * @param batch the batch
   * @param devices one slice per device
   * @return the slices, slice i on device i
   */
  public static List<NDArray> split(NDArray batch, Device[] devices) {
    int[] sizes = sliceSizes((int) batch.getShape().get(0), devices.length);
    List<NDArray> parts = new ArrayList<>(devices.length);
    int start = 0;
    for (int i = 0; i < devices.length; i++) {
      NDArray part = batch.get(new NDIndex(start + ":" + (start + sizes[i])));
      parts.add(part.toDevice(devices[i], false));
      start += sizes[i];
    }
    return parts;
  }

  /**
   * Concatenates slices on one device, in order.
   *
   * @param parts the slices
   * @param target the device of the result
   * @return the batch
   */
  public static NDArray gather(List<NDArray> parts, Device target) {
    NDList onTarget = new NDList(parts.size());
    for (NDArray p : parts) {
      onTarget.add(p.toDevice(target, false));
    }
    return onTarget.size() == 1 ? onTarget.get(0) : NDArrays.concat(onTarget, 0);
  }

  /**
   * Gathers slices on one device and undoes the permutation.
   *
   * @param parts the slices of a shuffled batch
   * @param permutation the permutation {@link #shuffleAndSplit} used
   * @param target the device of the result
   * @return the outputs in the original sample order
   */
  public static NDArray gatherAndRestore(
      List<NDArray> parts, Permutation permutation, Device target) {
    NDArray all = gather(parts, target);
    NDArray index = all.getManager().create(permutation.inverse()).toDevice(target, false);
    return all.get(new NDIndex("{}", index));
  }
}
