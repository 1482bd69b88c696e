package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Optional;

/**
 * What the model consumes of one view (section 3.5 of the method notes).
 *
 * @param rgb the augmented, normalised RGB clips, {@code [B, 3, T, S, S]}
 * @param crop the clips' crop in the frame, {@code [B, 4]} (see {@link ViewClips#crop})
 * @param motion the frame-difference clips; empty for the MoCo baseline
 */
public record ViewInputs(NDArray rgb, NDArray crop, Optional<MotionInputs> motion) {

  /**
   * Creates the inputs of a view without motion part (the MoCo baseline).
   *
   * @param rgb the augmented RGB clips
   * @param crop their crop
   */
  public ViewInputs(NDArray rgb, NDArray crop) {
    this(rgb, crop, Optional.empty());
  }

  /**
   * Creates the inputs of a view with its motion part.
   *
   * @param rgb the augmented RGB clips
   * @param crop their crop
   * @param motion the frame-difference clips
   */
  public ViewInputs(NDArray rgb, NDArray crop, MotionInputs motion) {
    this(rgb, crop, Optional.of(motion));
  }

  /**
   * Returns every array of the view, for moving it between devices or managers.
   *
   * @return the RGB clips, the crop, then the motion part's arrays (those present)
   */
  public NDList arrays() {
    NDList list = new NDList(rgb, crop);
    motion.ifPresent(
        mo -> {
          list.add(mo.diff());
          list.addAll(mo.localDiffs());
          if (mo.pixelMotion() != null) {
            list.add(mo.pixelMotion());
          }
        });
    return list;
  }
}
