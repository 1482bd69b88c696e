package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Every tensor the FIMA losses need from one forward pass (section 3.5 of the method notes), by
 * name. Embeddings are L2-normalised along their channel axis. Lists indexed by {@code t} hold one
 * entry per temporal slice of the backbone's final feature map (T' = 2 in the reference).
 *
 * <p>Query-side tensors carry gradients; key-side tensors (k, l, z) and masks do not.
 *
 * @param queryM global query embedding of view m, {@code [B, E]}
 * @param queryN global query embedding of view n, {@code [B, E]}
 * @param keyM global key embedding of view m (momentum encoder, same RGB input), {@code [B, E]}
 * @param keyN global key embedding of view n, {@code [B, E]}
 * @param localKeysM key embeddings of m's local frame-difference clips, {@code [B, E]} each, t =
 *     0..T'-1 (l_m1, l_m2 in the reference)
 * @param localKeysN key embeddings of n's local frame-difference clips
 * @param clsPredN class-token predictions of n's local motion keys, made with m's tokens as queries
 *     and n's as memory: entry t predicts {@code localKeysN[t]}, {@code [B, E]}
 * @param clsPredM class-token predictions of m's local motion keys (queries from n)
 * @param densePredN dense predictions of n's motion features on m's grid, {@code [B, E, h, w]} per
 *     t
 * @param densePredM dense predictions of m's motion features on n's grid
 * @param denseTargetN n's frame-difference key features per slice, {@code [B, E, h, w]} per t
 * @param denseTargetM m's frame-difference key features per slice
 * @param foregroundM 0/1 foreground mask of m's grid, {@code [B, h, w]} (all ones when off)
 * @param foregroundN 0/1 foreground mask of n's grid
 * @param coordM crop coordinates of m, {@code [B, 4]}
 * @param coordN crop coordinates of n, {@code [B, 4]}
 */
public record FimaOutputs(
    NDArray queryM,
    NDArray queryN,
    NDArray keyM,
    NDArray keyN,
    List<NDArray> localKeysM,
    List<NDArray> localKeysN,
    List<NDArray> clsPredN,
    List<NDArray> clsPredM,
    List<NDArray> densePredN,
    List<NDArray> densePredM,
    List<NDArray> denseTargetN,
    List<NDArray> denseTargetM,
    NDArray foregroundM,
    NDArray foregroundN,
    NDArray coordM,
    NDArray coordN) {

  /** Copies the lists; the motion lists are empty for the MoCo baseline. */
  public FimaOutputs {
    localKeysM = copy(localKeysM);
    localKeysN = copy(localKeysN);
    clsPredN = copy(clsPredN);
    clsPredM = copy(clsPredM);
    densePredN = copy(densePredN);
    densePredM = copy(densePredM);
    denseTargetN = copy(denseTargetN);
    denseTargetM = copy(denseTargetM);
  }

  /**
   * Returns whether the motion terms are present (false for the MoCo baseline).
   *
   * @return true for FIMA outputs
   */
  public boolean hasMotion() {
    return !localKeysM.isEmpty();
  }

  private static List<NDArray> copy(List<NDArray> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
