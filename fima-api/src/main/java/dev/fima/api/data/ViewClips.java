package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * One view of a pretraining batch as the loader cuts it: a window of each video, its clips cropped
 * and possibly flipped, values in [0, 1], no colour augmentation yet (section 1.1 of the method
 * notes).
 *
 * @param global the strided global clips, {@code [B, 3, T, S, S]}
 * @param locals the consecutive local clips in time order, each {@code [B, 3, Tl, S, S]}
 * @param crop the global clip's crop in the frame, normalised {@code (x1, y1, x2, y2)}, {@code [B,
 *     4]}; x1 and x2 are swapped when the clip is flipped
 */
public record ViewClips(NDArray global, List<NDArray> locals, NDArray crop) {

  /** Copies the local-clip list. */
  public ViewClips {
    locals = List.copyOf(locals);
  }

  /**
   * Returns every array of the view, for moving it between devices or managers.
   *
   * @return the global clip, the local clips, the crop
   */
  public NDList arrays() {
    NDList list = new NDList(global);
    list.addAll(locals);
    list.add(crop);
    return list;
  }
}
