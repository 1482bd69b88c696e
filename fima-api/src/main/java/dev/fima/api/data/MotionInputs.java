package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The motion part of a view's model inputs (FIMA only): frame differences of its cropped clips,
 * each colour-augmented with its own random parameters (section 2 of the method notes).
 *
 * @param diff the global clip's frame differences, augmented, {@code [B, 3, T, S, S]}
 * @param localDiffs the local clips' frame differences, augmented, in time order
 * @param pixelMotion the mean absolute pixel difference of the global clip before augmentation,
 *     {@code [B, S, S]}, for the top-k foreground variant; may be {@code null} for the others
 */
public record MotionInputs(NDArray diff, List<NDArray> localDiffs, NDArray pixelMotion) {

  /** Copies the list. */
  public MotionInputs {
    localDiffs = List.copyOf(localDiffs);
  }
}
