package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.ViewOutputs;
import dev.fima.djl.nd.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The dense pixel-level motion contrast of FIMA (section 4(c) of the method notes). The decoder
 * predicts, at every cell a of the query view's grid, the other view's frame-difference key feature
 * there; the positives are the key cells b that cover the same place of the frame.
 *
 * <p>For sample i, query cell a and key cell b of slice t, with {@code s = <P_ia, z_ib> / T}:
 *
 * <ol>
 *   <li>{@code pi_iab = geo_iab * M_q[i,a] * M_k[i,b]}: geometric positives ({@link CellGeometry})
 *       restricted to foreground cells of both grids; positives only within one sample and slice.
 *   <li>{@code D_ia = sum exp(s)} over the denominator keys: every sample's key cells of every
 *       temporal slice ({@code N T' hk wk} columns, positives included) and the optional dense
 *       queue.
 *   <li>{@code N_ia = sum_b pi_iab exp(s_iab)}; a cell with {@code N_ia > 0} is effective and costs
 *       {@code -log(N_ia / D_ia)}.
 *   <li>{@code L_i} is the mean cost over sample i's effective cells; samples without any positive
 *       pair are dropped, and the loss is the mean of {@code L_i} over the kept samples.
 * </ol>
 *
 * <p>Both logarithms are computed as log-sum-exp with the maximum subtracted, so large similarities
 * (or a small temperature, or half precision) do not overflow as the reference's plain {@code exp}
 * does. When every sample is dropped the reference returns {@code -mean log(S/(S+1e-3))}, a tiny
 * positive number with a tiny gradient; this loss returns exactly 0, still attached to the graph
 * (backward runs and gives zero gradients). That case is computed without branching, so the loss
 * never waits for the device.
 */
public final class DenseMotionContrastLoss extends Loss {

  private final double temperature;
  private final double posRatio;

  /**
   * Creates the loss under the name {@code dense}.
   *
   * @param temperature softmax temperature (0.1 in the reference)
   * @param posRatio positive threshold in cell diagonals (0.7 in the reference)
   */
  public DenseMotionContrastLoss(double temperature, double posRatio) {
    super("dense");
    if (!(temperature > 0) || !(posRatio > 0)) {
      throw new IllegalArgumentException(
          "temperature and posRatio must be > 0, got " + temperature + ", " + posRatio);
    }
    this.temperature = temperature;
    this.posRatio = posRatio;
  }

  /**
   * Computes the loss of one prediction against one temporal slice of the key view.
   *
   * @param prediction predicted key features on the query grid {@code [N, D, hq, wq]},
   *     L2-normalised along D
   * @param keySlices the key view's frame-difference features of every temporal slice, {@code [N,
   *     D, hk, wk]} each; all of them (all samples) are denominator keys
   * @param slice index of the positive slice in {@code keySlices}
   * @param coordQ crop of the query grid's view {@code [N, 4]}
   * @param coordK crop of the key grid's view {@code [N, 4]}
   * @param maskQ 0/1 foreground of the query grid {@code [N, hq, wq]}
   * @param maskK 0/1 foreground of the key grid {@code [N, hk, wk]}
   * @param queue dense-queue negatives {@code [K, D]}, or {@code null}
   * @return the loss and its bookkeeping
   */
  public Result compute(
      NDArray prediction,
      List<NDArray> keySlices,
      int slice,
      NDArray coordQ,
      NDArray coordK,
      NDArray maskQ,
      NDArray maskK,
      NDArray queue) {
    Shape q = prediction.getShape();
    Shape k = keySlices.get(slice).getShape();
    if (q.dimension() != 4 || k.dimension() != 4 || q.get(0) != k.get(0) || q.get(1) != k.get(1)) {
      throw new IllegalArgumentException(
          "prediction and keys must be [N, D, h, w] with equal N and D, got " + q + " and " + k);
    }
    long n = q.get(0);
    long dim = q.get(1);
    int heightQ = (int) q.get(2);
    int widthQ = (int) q.get(3);
    int heightK = (int) k.get(2);
    int widthK = (int) k.get(3);
    long cellsQ = (long) heightQ * widthQ;
    long cellsK = (long) heightK * widthK;
    DataType type = prediction.getDataType();

    NDArray queries = prediction.reshape(n, dim, cellsQ).transpose(0, 2, 1); // [N, A, D]
    NDArray positiveKeys = keySlices.get(slice).reshape(n, dim, cellsK); // [N, D, Bk]
    NDArray similarity =
        Scalars.divide(queries.batchMatMul(positiveKeys), temperature); // [N, A, Bk]

    NDList denominatorKeys = new NDList();
    for (NDArray keys : keySlices) {
      denominatorKeys.add(keys.reshape(n, dim, cellsK).transpose(0, 2, 1).reshape(n * cellsK, dim));
    }
    if (queue != null) {
      NDArray moved =
          ContrastMath.stepOwned(ContrastMath.onDevice(queue, prediction), queue, prediction);
      denominatorKeys.add(ContrastMath.stepOwned(moved.toType(type, false), moved, prediction));
    }
    NDArray allKeys = NDArrays.concat(denominatorKeys, 0);
    NDArray allLogits =
        Scalars.divide(queries.reshape(n * cellsQ, dim).matMul(allKeys.transpose()), temperature);
    NDArray logDenominator = ContrastMath.logSumExp(allLogits, 1).reshape(n, cellsQ);

    NDArray pairs =
        CellGeometry.positives(coordQ, coordK, heightQ, widthQ, heightK, widthK, posRatio)
            .toType(type, false)
            .mul(maskQ.stopGradient().toType(type, false).reshape(n, cellsQ, 1))
            .mul(maskK.stopGradient().toType(type, false).reshape(n, 1, cellsK));
    NDArray isPair = pairs.gt(0);
    NDArray effective = isPair.sum(new int[] {2}).gt(0); // [N, A]
    NDArray effectiveF = effective.toType(type, false);

    // log N_ia as a log-sum-exp restricted to positive pairs; cells without positives get a finite
    // placeholder (their cost is multiplied by 0), so no -inf or NaN reaches the gradient.
    NDArray negativeInfinity = similarity.zerosLike().sub(Float.POSITIVE_INFINITY);
    NDArray masked = NDArrays.where(isPair, similarity, negativeInfinity);
    NDArray rowMax = masked.stopGradient().max(new int[] {2}, true);
    rowMax = NDArrays.where(effective.expandDims(2), rowMax, rowMax.zerosLike());
    NDArray positiveSum = masked.sub(rowMax).exp().sum(new int[] {2}); // [N, A]
    NDArray logNumerator =
        NDArrays.where(effective, positiveSum, positiveSum.onesLike()).log().add(rowMax.squeeze(2));

    NDArray cellCost = logDenominator.sub(logNumerator).mul(effectiveF); // [N, A]
    NDArray effectiveCells = effectiveF.sum(new int[] {1}); // [N]
    NDArray kept = effectiveCells.gt(0).toType(type, false);
    NDArray sampleLoss = cellCost.sum(new int[] {1}).div(effectiveCells.maximum(1));
    NDArray keptCount = kept.sum();
    NDArray loss = sampleLoss.mul(kept).sum().div(keptCount.maximum(1));

    // The same average of ln(candidates / positives) per effective cell: the loss when every
    // similarity is equal.
    NDArray positives = isPair.toType(type, false).sum(new int[] {2}).maximum(1); // [N, A]
    double logCandidates = Math.log(allKeys.getShape().get(0));
    NDArray cellChance =
        positives.log().neg().add(Scalars.scalarLike(positives, logCandidates)).mul(effectiveF);
    NDArray chance =
        cellChance
            .sum(new int[] {1})
            .div(effectiveCells.maximum(1))
            .mul(kept)
            .sum()
            .div(keptCount.maximum(1));
    return new Result(
        loss,
        keptCount.stopGradient().toType(DataType.FLOAT32, false),
        effectiveCells.stopGradient().toType(DataType.FLOAT32, false).sum(),
        chance.stopGradient().toType(DataType.FLOAT32, false));
  }

  /**
   * Computes the loss of one view's motion predicted on the other view's grid, for one temporal
   * slice: the predictions and key slices of {@code target}, the query grid of {@code grid}.
   *
   * @param target the view whose motion features were predicted (its predictions, key slices, crop
   *     and mask)
   * @param grid the view on whose grid they were predicted (its crop and mask)
   * @param slice the temporal slice
   * @param queue dense-queue negatives {@code [K, D]}, or {@code null}
   * @return the loss and its bookkeeping
   */
  public Result compute(ViewOutputs target, ViewOutputs grid, int slice, NDArray queue) {
    MotionOutputs motion = target.requireMotion();
    return compute(
        motion.densePredictions().get(slice),
        motion.denseTargets(),
        slice,
        grid.crop(),
        target.crop(),
        grid.requireMotion().foreground(),
        motion.foreground(),
        queue);
  }

  /**
   * Computes the loss as a DJL {@link Loss}, without a queue. The predictions are {@code
   * [prediction, coordQ, coordK, maskQ, maskK, slice, keySlices...]}: the positive slice's index as
   * a scalar array, then every key slice (see {@link #compute}); the labels are unused.
   *
   * @param labels ignored, may be empty
   * @param predictions the arrays in the order above
   * @return the scalar loss
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (predictions.size() < 7) {
      throw new IllegalArgumentException(
          "expected [prediction, coordQ, coordK, maskQ, maskK, slice, keySlices...], got "
              + predictions.size()
              + " arrays");
    }
    int slice = predictions.get(5).toType(DataType.INT32, false).getInt();
    List<NDArray> keys = new ArrayList<>(predictions).subList(6, predictions.size());
    return compute(
            predictions.get(0),
            keys,
            slice,
            predictions.get(1),
            predictions.get(2),
            predictions.get(3),
            predictions.get(4),
            null)
        .loss();
  }

  /**
   * The value of one dense term and its bookkeeping.
   *
   * @param loss mean over kept samples of the mean cost of their effective cells (0 when none kept)
   * @param keptSamples number of samples with at least one positive pair (float32 scalar)
   * @param effectiveCells number of effective query cells over all samples (float32 scalar)
   * @param chance the chance value: the loss when every similarity is equal, the mean over kept
   *     samples of the mean over their effective cells of {@code ln(candidates / positives)}, where
   *     the candidates are the denominator keys (float32 scalar, no gradient; 0 when none kept)
   */
  public record Result(NDArray loss, NDArray keptSamples, NDArray effectiveCells, NDArray chance) {}
}
