package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * One batch of pretraining samples as the loader yields it: two windows {@code m} and {@code n} of
 * each video, each cropped and possibly flipped, values in [0, 1], no colour augmentation yet
 * (section 1.1 of the method notes).
 *
 * @param globalM strided global clips of window m, {@code [B, 3, T, S, S]}
 * @param localsM consecutive local clips of window m in time order, each {@code [B, 3, Tl, S, S]}
 * @param globalN strided global clips of window n
 * @param localsN consecutive local clips of window n
 * @param coordM crop of the global clip of m in the frame, normalised {@code (x1, y1, x2, y2)},
 *     {@code [B, 4]}; x1 and x2 are swapped when the clip is flipped
 * @param coordN crop of the global clip of n, same convention
 * @param videoIndices index of each sample's video in the dataset
 */
public record PretrainBatch(
    NDArray globalM,
    List<NDArray> localsM,
    NDArray globalN,
    List<NDArray> localsN,
    NDArray coordM,
    NDArray coordN,
    int[] videoIndices) {

  /** Copies the local-clip lists. */
  public PretrainBatch {
    localsM = List.copyOf(localsM);
    localsN = List.copyOf(localsN);
  }

  /**
   * Returns the number of samples.
   *
   * @return B
   */
  public int size() {
    return (int) globalM.getShape().get(0);
  }

  /**
   * Returns every array of the batch, for moving it between devices or managers.
   *
   * @return the arrays, global and local clips first, coordinates last
   */
  public NDList arrays() {
    NDList list = new NDList();
    list.add(globalM);
    list.addAll(localsM);
    list.add(globalN);
    list.addAll(localsN);
    list.add(coordM);
    list.add(coordN);
    return list;
  }
}
