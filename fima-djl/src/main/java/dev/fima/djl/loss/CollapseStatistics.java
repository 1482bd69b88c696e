package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.fima.djl.nd.Scalars;
import java.util.List;

/**
 * Batch statistics that show a contrastive term collapsing while it trains: when every prediction
 * of a batch is (nearly) the same vector, or every target is, the term cannot rank its positive
 * above its negatives and sits at its chance value (BENCHMARKS.md, "Motion terms"). They read
 * tensors the loss computes anyway and stay on the device, so a step reads them with its losses in
 * one transfer.
 */
public final class CollapseStatistics {

  private CollapseStatistics() {}

  /**
   * Returns the mean cosine similarity of every pair of distinct rows: 1 when all rows point the
   * same way, 0 for mutually orthogonal rows, {@code -1/(B-1)} at the least. Computed as {@code
   * (|sum_i u_i|^2 - sum_i |u_i|^2) / (B (B - 1))} over the L2-normalised rows {@code u_i}, without
   * the {@code B x B} matrix.
   *
   * @param rows {@code [B, D]}, B at least 2; any scale (rows are normalised here; a zero row
   *     counts as orthogonal to every other)
   * @return a float32 scalar without gradient
   */
  public static NDArray meanPairwiseCosine(NDArray rows) {
    if (rows.getShape().dimension() != 2 || rows.getShape().get(0) < 2) {
      throw new IllegalArgumentException("need [B >= 2, D] rows, got " + rows.getShape());
    }
    long b = rows.getShape().get(0);
    NDArray unit = rows.stopGradient().toType(DataType.FLOAT32, false).normalize(2, 1, 1e-12);
    NDArray sum = unit.sum(new int[] {0});
    NDArray pairs = sum.mul(sum).sum().sub(unit.mul(unit).sum());
    return Scalars.divide(pairs, (double) b * (b - 1));
  }

  /**
   * Returns the mean of {@link #meanPairwiseCosine} over several batches of rows (one per view and
   * temporal slice, say).
   *
   * @param sets {@code [B, D]} each, at least one
   * @return a float32 scalar without gradient
   */
  public static NDArray meanPairwiseCosine(List<NDArray> sets) {
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("no rows");
    }
    NDArray sum = null;
    for (NDArray rows : sets) {
      NDArray c = meanPairwiseCosine(rows);
      sum = sum == null ? c : sum.add(c);
    }
    return Scalars.divide(sum, sets.size());
  }

  /**
   * Returns the share of cells that 0/1 masks mark, over all masks together.
   *
   * @param masks 0/1 arrays of equal size, {@code [B, h, w]} each
   * @return a float32 scalar in [0, 1] without gradient
   */
  public static NDArray markedShare(List<NDArray> masks) {
    NDArray sum = null;
    for (NDArray m : masks) {
      NDArray mean = m.stopGradient().toType(DataType.FLOAT32, false).mean();
      sum = sum == null ? mean : sum.add(mean);
    }
    if (sum == null) {
      throw new IllegalArgumentException("no masks");
    }
    return Scalars.divide(sum, masks.size());
  }
}
