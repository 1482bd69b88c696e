package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * Early release of intermediate arrays inside a forward pass. libtorch frees a tensor when its last
 * reference goes, and autograd holds its own references to what backward needs, so closing DJL's
 * handle of an intermediate as soon as the next operation has consumed it is always safe. Memory
 * released at once is reused while still in cache; left to the end of the step, every activation of
 * every pass would stay allocated and each new one would land in cold memory.
 */
final class Release {

  private Release() {}

  /**
   * Closes a consumed array and returns the single array produced from it.
   *
   * @param consumed the intermediate that is no longer needed
   * @param produced the result computed from it, one array
   * @return the produced array
   */
  static NDArray after(NDArray consumed, NDList produced) {
    NDArray out = produced.singletonOrThrow();
    if (out != consumed) {
      consumed.close();
    }
    return out;
  }

  /**
   * Closes a consumed list and returns the single array produced from it.
   *
   * @param consumed the intermediates that are no longer needed
   * @param produced the result computed from them, one array
   * @return the produced array
   */
  static NDArray after(NDList consumed, NDList produced) {
    unlessReturned(consumed, produced);
    return produced.singletonOrThrow();
  }

  /**
   * Closes every consumed array that a block did not hand on unchanged.
   *
   * @param consumed a block's inputs, intermediates of the caller
   * @param produced the block's outputs
   */
  static void unlessReturned(NDList consumed, NDList produced) {
    for (NDArray a : consumed) {
      boolean handedOn = false;
      for (NDArray b : produced) {
        handedOn |= a == b;
      }
      if (!handedOn) {
        a.close();
      }
    }
  }
}
