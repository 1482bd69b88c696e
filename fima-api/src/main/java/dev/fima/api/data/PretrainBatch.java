package dev.fima.api.data;

import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * One batch of pretraining samples as the loader yields it: two windows {@code m} and {@code n} of
 * each video, one view each (section 1.1 of the method notes). Their crops share the frame's
 * coordinates, so that the dense loss can match their cells.
 *
 * @param m the first window's view
 * @param n the second window's view
 * @param videoIndices index of each sample's video in the dataset
 */
public record PretrainBatch(ViewClips m, ViewClips n, int[] videoIndices) {

  /**
   * Returns the number of samples.
   *
   * @return B
   */
  public int size() {
    return (int) m.global().getShape().get(0);
  }

  /**
   * Returns both views, m first.
   *
   * @return {@code [m, n]}
   */
  public List<ViewClips> views() {
    return List.of(m, n);
  }

  /**
   * Returns every array of the batch, for moving it between devices or managers.
   *
   * @return the arrays of m, then of n
   */
  public NDList arrays() {
    NDList list = m.arrays();
    list.addAll(n.arrays());
    return list;
  }
}
