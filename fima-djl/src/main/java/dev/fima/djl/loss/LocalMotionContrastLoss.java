package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.loss.Loss;
import dev.fima.api.config.LocalNegatives;
import dev.fima.djl.model.MotionOutputs;
import dev.fima.djl.model.ViewOutputs;
import dev.fima.djl.nd.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * The frame-level ("local") motion contrast of FIMA (section 4(b) of the method notes): the motion
 * decoder's class-token prediction for temporal slice t of one view must pick the momentum key of
 * that view's t-th local frame-difference clip.
 *
 * <p>There are {@code 2T'} key sets {@code S = [l_n^0 .. l_n^{T'-1}, l_m^0 .. l_m^{T'-1}]}, each
 * {@code [B, D]}. For prediction {@code p_v^t} with positive set {@code S*}: {@code logits = [p.l+,
 * p.(in-batch negatives), p.Q_mot] / T} and the term is the cross-entropy at column 0. The in-batch
 * negatives depend on {@link LocalNegatives}:
 *
 * <ul>
 *   <li>{@code REFERENCE}: every row of every set except {@code S*}, {@code (2T'-1)B} columns
 *       ({@code 3B} at T'=2, so logits are {@code [B, 1+3B+K]}); they include the same video's
 *       other clips, and other videos' same-slot keys appear only through the queue.
 *   <li>{@code ALL_IN_BATCH}: the reference set plus the other rows of {@code S*}, {@code 2T'B - 1}
 *       columns.
 *   <li>{@code OTHER_VIDEOS}: every set's rows of the other videos only, {@code 2T'(B-1)} columns:
 *       nothing from the query's own video is a negative.
 * </ul>
 *
 * <p>The loss is the mean of the {@code 2T'} terms. After backward, {@code [l_n^0 ..; l_m^0 ..]} is
 * enqueued into the motion queue ({@link FimaLoss#enqueue} does it).
 */
public final class LocalMotionContrastLoss extends Loss {

  private final double temperature;
  private final LocalNegatives negatives;

  /**
   * Creates the loss under the name {@code local}.
   *
   * @param temperature softmax temperature (0.1 in the reference)
   * @param negatives the in-batch negative set
   */
  public LocalMotionContrastLoss(double temperature, LocalNegatives negatives) {
    super("local");
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
    this.negatives = negatives;
  }

  /**
   * Computes the loss over every view and temporal slice.
   *
   * @param predictionsN class-token predictions of n's local keys, {@code [B, D]} per slice t
   * @param predictionsM class-token predictions of m's local keys
   * @param keysN momentum keys of n's local frame-difference clips, {@code [B, D]} per slice
   * @param keysM momentum keys of m's local clips
   * @param queue motion-queue negatives {@code [K, D]}, or {@code null} for none
   * @return the mean loss over the {@code 2T'} terms, their mean top-1 accuracy and the number of
   *     candidates per row
   */
  public Result compute(
      List<NDArray> predictionsN,
      List<NDArray> predictionsM,
      List<NDArray> keysN,
      List<NDArray> keysM,
      NDArray queue) {
    int slices = keysN.size();
    if (slices == 0
        || keysM.size() != slices
        || predictionsN.size() != slices
        || predictionsM.size() != slices) {
      throw new IllegalArgumentException(
          "every list needs one entry per temporal slice, got predictions "
              + predictionsN.size()
              + "/"
              + predictionsM.size()
              + " and keys "
              + keysN.size()
              + "/"
              + keysM.size());
    }
    List<NDArray> sets = new ArrayList<>(keysN);
    sets.addAll(keysM);
    NDArray loss = null;
    NDArray accuracy = null;
    long candidates = 0;
    for (int s = 0; s < 2 * slices; s++) {
      NDArray prediction = s < slices ? predictionsN.get(s) : predictionsM.get(s - slices);
      NDArray logits = logits(prediction, sets, s, queue);
      candidates = logits.getShape().get(1);
      NDArray term = ContrastMath.crossEntropyAtZero(logits);
      NDArray hit = ContrastMath.top1AtZero(logits);
      loss = loss == null ? term : loss.add(term);
      accuracy = accuracy == null ? hit : accuracy.add(hit);
    }
    return new Result(
        Scalars.divide(loss, 2 * slices), Scalars.divide(accuracy, 2 * slices), candidates);
  }

  /**
   * Computes the loss over both views and every temporal slice, from their motion parts.
   *
   * @param first the view whose key sets come first (n in the reference's order)
   * @param second the other view
   * @param queue motion-queue negatives {@code [K, D]}, or {@code null} for none
   * @return the mean loss over the {@code 2T'} terms, their mean top-1 accuracy and the number of
   *     candidates per row
   */
  public Result compute(ViewOutputs first, ViewOutputs second, NDArray queue) {
    MotionOutputs a = first.requireMotion();
    MotionOutputs b = second.requireMotion();
    return compute(a.clsPredictions(), b.clsPredictions(), a.localKeys(), b.localKeys(), queue);
  }

  /**
   * Builds the logits of one prediction: the positive in column 0, then the in-batch negatives of
   * the configured set, then the queue.
   *
   * @param prediction {@code [B, D]}
   * @param sets the {@code 2T'} key sets, n's slices then m's
   * @param positiveSet index of the positive set in {@code sets}
   * @param queue queue negatives {@code [K, D]}, or {@code null}
   * @return {@code [B, 1 + inBatch + K]}, divided by the temperature
   */
  public NDArray logits(NDArray prediction, List<NDArray> sets, int positiveSet, NDArray queue) {
    NDArray positive = sets.get(positiveSet);
    NDList columns = new NDList();
    columns.add(prediction.mul(positive).sum(new int[] {1}, true));
    long batch = prediction.getShape().get(0);
    NDArray offDiagonal = null;
    for (int s = 0; s < sets.size(); s++) {
      boolean ownVideoExcluded =
          negatives == LocalNegatives.OTHER_VIDEOS
              || (negatives == LocalNegatives.ALL_IN_BATCH && s == positiveSet);
      if (s == positiveSet && negatives == LocalNegatives.REFERENCE) {
        continue;
      }
      NDArray products = prediction.matMul(sets.get(s).transpose());
      if (ownVideoExcluded) {
        if (batch < 2) {
          continue;
        }
        if (offDiagonal == null) {
          offDiagonal = offDiagonal(prediction.getManager(), batch, prediction);
        }
        products = products.get(offDiagonal).reshape(batch, batch - 1);
      }
      columns.add(products);
    }
    if (queue != null) {
      columns.add(prediction.matMul(ContrastMath.transposedFor(queue, prediction)));
    }
    return Scalars.divide(NDArrays.concat(columns, 1), temperature);
  }

  /**
   * Computes the loss as a DJL {@link Loss}. The predictions are, for T' slices, {@code
   * [predictionsN (T'), predictionsM (T'), keysN (T'), keysM (T'), queue]}; the labels are unused.
   *
   * @param labels ignored, may be empty
   * @param predictions the arrays in the order above
   * @return the scalar loss
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    int n = predictions.size() - 1;
    if (n < 4 || n % 4 != 0) {
      throw new IllegalArgumentException(
          "expected 4T' arrays and the queue, got " + predictions.size() + " arrays");
    }
    int slices = n / 4;
    List<NDArray> all = new ArrayList<>(predictions).subList(0, n);
    return compute(
            all.subList(0, slices),
            all.subList(slices, 2 * slices),
            all.subList(2 * slices, 3 * slices),
            all.subList(3 * slices, 4 * slices),
            predictions.get(n))
        .loss();
  }

  private static NDArray offDiagonal(NDManager manager, long batch, NDArray like) {
    return manager.eye((int) batch).toDevice(like.getDevice(), false).eq(0);
  }

  /**
   * The value of the local term and its accuracy.
   *
   * @param loss mean of the {@code 2T'} cross-entropy terms
   * @param accuracy mean top-1 accuracy of the terms (float32 scalar, no gradient)
   * @param candidates columns of every term's logits (the positive and its negatives), the same for
   *     all terms
   */
  public record Result(NDArray loss, NDArray accuracy, long candidates) {

    /**
     * Returns the chance value of the term, {@code ln(candidates)}: its value when every logit of a
     * row is equal, which is where a collapsed prediction or target leaves it.
     *
     * @return the chance value in nats
     */
    public double chance() {
      return Math.log(candidates);
    }
  }
}
