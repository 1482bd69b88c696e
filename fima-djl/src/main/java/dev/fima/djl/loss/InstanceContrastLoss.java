package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import dev.fima.djl.model.ViewOutputs;
import dev.fima.djl.nd.Scalars;

/**
 * The global RGB instance contrast of FIMA and MoCo (section 4(a) of the method notes): a symmetric
 * InfoNCE in which each view's query must pick the other view's momentum key among queue negatives.
 *
 * <p>{@code L = (CE([q_m.k_n, q_m.Q] / T) + CE([q_n.k_m, q_n.Q'] / T)) / 2}, label 0. By default
 * both terms use the same queue {@code Q' = Q}, read before either key is enqueued. The reference
 * enqueues {@code k_n} between the two terms, so its second term's negatives {@code Q'} contain
 * {@code k_n}, the momentum embedding of exactly the tensor {@code q_n} was computed from: a
 * near-duplicate false negative. Pass that queue as the second negatives to reproduce it ({@link
 * QueueWrites#afterEnqueue} builds it without touching the live queue; {@link FimaLoss} does so
 * when {@code LossConfig.referenceEnqueueOrder} is set).
 *
 * <p>Example, with a {@link dev.fima.djl.model.FeatureQueue} {@code queue} and a model's outputs
 * {@code out}:
 *
 * <pre>{@code
 * InstanceContrastLoss loss = new InstanceContrastLoss(0.1);
 * NDArray value = loss.compute(out.m(), out.n(), queue.features(), queue.features()).loss();
 * // backward, then queue.enqueue(concat(kN, kM))
 * }</pre>
 */
public final class InstanceContrastLoss extends Loss {

  private final double temperature;

  /**
   * Creates the loss under the name {@code instance}.
   *
   * @param temperature softmax temperature (0.1 in the reference)
   */
  public InstanceContrastLoss(double temperature) {
    this("instance", temperature);
  }

  /**
   * Creates the loss.
   *
   * @param name display name
   * @param temperature softmax temperature (0.1 in the reference)
   */
  public InstanceContrastLoss(String name, double temperature) {
    super(name);
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
    }
    this.temperature = temperature;
  }

  /**
   * Computes both directions of the loss.
   *
   * @param queryM query embedding of view m, {@code [B, D]}, L2-normalised
   * @param queryN query embedding of view n
   * @param keyM momentum key embedding of view m, {@code [B, D]}
   * @param keyN momentum key embedding of view n
   * @param negatives negatives of the first term (q_m against k_n), {@code [K, D]}
   * @param secondNegatives negatives of the second term (q_n against k_m), {@code [K', D]}
   * @return the loss and the reference's top-1 accuracy of the averaged logits
   */
  public Result compute(
      NDArray queryM,
      NDArray queryN,
      NDArray keyM,
      NDArray keyN,
      NDArray negatives,
      NDArray secondNegatives) {
    NDArray first = ContrastMath.logits(queryM, keyN, negatives, temperature);
    NDArray second = ContrastMath.logits(queryN, keyM, secondNegatives, temperature);
    NDArray loss =
        Scalars.divide(
            ContrastMath.crossEntropyAtZero(first).add(ContrastMath.crossEntropyAtZero(second)), 2);
    NDArray accuracy =
        first.getShape().equals(second.getShape())
            ? ContrastMath.top1AtZero(first.add(second))
            : ContrastMath.top1AtZero(first).add(ContrastMath.top1AtZero(second)).div(2);
    return new Result(loss, accuracy);
  }

  /**
   * Computes both directions of the loss for two views: each view's query against the other view's
   * key.
   *
   * @param m view m's outputs (its query and key are used)
   * @param n view n's outputs
   * @param negatives negatives of the first term (q_m against k_n), {@code [K, D]}
   * @param secondNegatives negatives of the second term (q_n against k_m), {@code [K', D]}
   * @return the loss and the reference's top-1 accuracy of the averaged logits
   */
  public Result compute(ViewOutputs m, ViewOutputs n, NDArray negatives, NDArray secondNegatives) {
    return compute(m.query(), n.query(), m.key(), n.key(), negatives, secondNegatives);
  }

  /**
   * Computes the loss as a DJL {@link Loss}. The predictions are {@code [queryM, queryN, keyM,
   * keyN, negatives]}, optionally followed by the second term's negatives; the labels are unused
   * (the positive is always column 0).
   *
   * @param labels ignored, may be empty
   * @param predictions the embeddings and negatives
   * @return the scalar loss
   */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    if (predictions.size() != 5 && predictions.size() != 6) {
      throw new IllegalArgumentException(
          "expected [queryM, queryN, keyM, keyN, negatives(, secondNegatives)], got "
              + predictions.size()
              + " arrays");
    }
    NDArray negatives = predictions.get(4);
    NDArray second = predictions.size() == 6 ? predictions.get(5) : negatives;
    return compute(
            predictions.get(0),
            predictions.get(1),
            predictions.get(2),
            predictions.get(3),
            negatives,
            second)
        .loss();
  }

  /**
   * The value of the instance term and its accuracy.
   *
   * @param loss the scalar loss
   * @param accuracy top-1 accuracy of the averaged logits (float32 scalar, no gradient)
   */
  public record Result(NDArray loss, NDArray accuracy) {}
}
