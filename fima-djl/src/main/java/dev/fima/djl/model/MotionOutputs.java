package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The motion part of a view's outputs (FIMA only): the key side's motion features of the view and
 * the query side's predictions of them (section 3.5 of the method notes). Lists hold one entry per
 * temporal slice {@code t} of the backbone's final feature map (T' = 2 in the reference).
 * Embeddings are L2-normalised along their channel axis; the keys and the mask carry no gradient.
 *
 * @param localKeys key embeddings of the view's local frame-difference clips, {@code [B, E]} each
 *     ({@code l_v1, l_v2} in the reference)
 * @param denseTargets the view's frame-difference key features per slice, {@code [B, E, h, w]}
 * @param foreground the 0/1 foreground mask of the view's grid, {@code [B, h, w]} (all ones when
 *     foreground sampling is off)
 * @param clsPredictions the decoder's class-token predictions of {@code localKeys}, made with the
 *     other view's tokens as queries and this view's as memory, {@code [B, E]} per slice
 * @param densePredictions the predictions of {@code denseTargets} on the other view's grid (queries
 *     from the other view), {@code [B, E, h, w]} per slice
 */
public record MotionOutputs(
    List<NDArray> localKeys,
    List<NDArray> denseTargets,
    NDArray foreground,
    List<NDArray> clsPredictions,
    List<NDArray> densePredictions) {

  /** Copies the lists. */
  public MotionOutputs {
    localKeys = List.copyOf(localKeys);
    denseTargets = List.copyOf(denseTargets);
    clsPredictions = List.copyOf(clsPredictions);
    densePredictions = List.copyOf(densePredictions);
  }

  /**
   * Returns the number of temporal slices.
   *
   * @return T'
   */
  public int slices() {
    return localKeys.size();
  }
}
