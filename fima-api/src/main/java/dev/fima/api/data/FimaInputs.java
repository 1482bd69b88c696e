package dev.fima.api.data;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What the FIMA model consumes for one batch, after frame differences and colour augmentation
 * (section 3.5 of the method notes). Each augmented tensor got its own random colour parameters.
 * For the MoCo baseline only the RGB views and coordinates are set; the motion fields are {@code
 * null}.
 *
 * @param rgbM augmented, normalised RGB view of window m, {@code [B, 3, T, S, S]}
 * @param rgbN augmented, normalised RGB view of window n
 * @param diffM augmented frame-difference clip of the global clip of m
 * @param diffN augmented frame-difference clip of the global clip of n
 * @param localDiffsM augmented frame differences of m's local clips, in time order
 * @param localDiffsN augmented frame differences of n's local clips, in time order
 * @param coordM crop coordinates of m, {@code [B, 4]}
 * @param coordN crop coordinates of n, {@code [B, 4]}
 * @param pixelMotionM mean absolute pixel difference of m's global clip before augmentation, {@code
 *     [B, S, S]}, for the top-k foreground variant; may be {@code null}
 * @param pixelMotionN the same for n
 */
public record FimaInputs(
    NDArray rgbM,
    NDArray rgbN,
    NDArray diffM,
    NDArray diffN,
    List<NDArray> localDiffsM,
    List<NDArray> localDiffsN,
    NDArray coordM,
    NDArray coordN,
    NDArray pixelMotionM,
    NDArray pixelMotionN) {

  /** Copies the local lists (empty when absent). */
  public FimaInputs {
    localDiffsM = localDiffsM == null ? List.of() : List.copyOf(localDiffsM);
    localDiffsN = localDiffsN == null ? List.of() : List.copyOf(localDiffsN);
  }

  /**
   * Returns the batch size.
   *
   * @return B
   */
  public int size() {
    return (int) rgbM.getShape().get(0);
  }
}
