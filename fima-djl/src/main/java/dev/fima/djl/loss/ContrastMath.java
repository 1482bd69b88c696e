package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import dev.fima.djl.nd.Scalars;

/** Numerics shared by the contrastive terms: InfoNCE with the positive in column 0, log-sum-exp. */
final class ContrastMath {

  private ContrastMath() {}

  /**
   * Builds InfoNCE logits {@code [q.k+, q.negatives] / temperature} with the positive in column 0.
   *
   * @param query {@code [B, D]}
   * @param positive {@code [B, D]}, row i is the positive of query row i
   * @param negatives {@code [M, D]} shared by every row, or {@code null} for none
   * @param temperature the softmax temperature
   * @return {@code [B, 1 + M]}
   */
  static NDArray logits(NDArray query, NDArray positive, NDArray negatives, double temperature) {
    NDArray pos = query.mul(positive).sum(new int[] {1}, true);
    NDArray all =
        negatives == null
            ? pos
            : NDArrays.concat(new NDList(pos, query.matMul(transposedFor(negatives, query))), 1);
    return Scalars.divide(all, temperature);
  }

  /**
   * Cross-entropy of logits whose label is column 0, averaged over rows. libtorch's log-softmax
   * subtracts the row maximum, so large logits do not overflow.
   *
   * @param logits {@code [B, M]}
   * @return the mean loss, a scalar
   */
  static NDArray crossEntropyAtZero(NDArray logits) {
    return logits.logSoftmax(1).get(":, 0").neg().mean();
  }

  /**
   * Top-1 accuracy of logits whose label is column 0.
   *
   * @param logits {@code [B, M]}
   * @return the fraction of rows whose largest logit is column 0, a float32 scalar, no gradient
   */
  static NDArray top1AtZero(NDArray logits) {
    return logits.stopGradient().argMax(1).eq(0).toType(DataType.FLOAT32, false).mean();
  }

  /**
   * Numerically stable {@code log(sum(exp(x)))} along one axis: the (constant) row maximum is
   * subtracted before the exponential and added back after the logarithm.
   *
   * @param x the values
   * @param axis the axis to reduce
   * @return {@code x} reduced along {@code axis}, without keeping it
   */
  static NDArray logSumExp(NDArray x, int axis) {
    NDArray max = x.stopGradient().max(new int[] {axis}, true);
    return x.sub(max).exp().sum(new int[] {axis}).log().add(max.squeeze(axis));
  }

  /**
   * Returns an array on the device of a reference array, without copying when it is already there.
   *
   * @param array the array
   * @param reference the array whose device is wanted
   * @return {@code array} on the reference's device
   */
  static NDArray onDevice(NDArray array, NDArray reference) {
    return array.getDevice().equals(reference.getDevice())
        ? array
        : array.toDevice(reference.getDevice(), false);
  }

  /**
   * Returns long-lived rows (a queue's entries) transposed, on the device of a step's array and
   * owned by that array's manager. An operation's result joins the manager of its input, so a
   * transpose of a queue would otherwise stay in the queue's manager until the end of the run: a
   * leak of one array per use per step.
   *
   * @param rows {@code [M, D]} rows owned by a long-lived manager
   * @param step an array of the step, whose device and manager the result takes
   * @return {@code [D, M]}
   */
  static NDArray transposedFor(NDArray rows, NDArray step) {
    NDArray moved = stepOwned(onDevice(rows, step), rows, step);
    return stepOwned(moved.transpose(), moved, step);
  }

  /**
   * Hands an array derived from a long-lived one over to a step's manager, unless it is the
   * long-lived array itself.
   *
   * @param derived the result of an operation on {@code source}
   * @param source the long-lived input
   * @param step an array of the step, whose manager takes the result
   * @return {@code derived}
   */
  static NDArray stepOwned(NDArray derived, NDArray source, NDArray step) {
    if (derived != source) {
      derived.attach(step.getManager());
    }
    return derived;
  }
}
