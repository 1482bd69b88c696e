package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

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
            : NDArrays.concat(
                new NDList(pos, query.matMul(onDevice(negatives, query).transpose())), 1);
    return divide(all, temperature);
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
   * Returns a scalar in an array's data type, device and manager, to combine with it.
   *
   * <p>Why not {@code x.div(number)}: DJL's PyTorch engine turns the number into a tensor that
   * borrows the memory of a Java direct buffer, computes, and closes that tensor at once. When
   * {@code x} records a gradient, autograd keeps the scalar for the backward pass, but the Java
   * buffer behind it may be garbage-collected in between, so backward can read freed memory (seen
   * as a rare, huge, non-reproducible gradient). A scalar owned by {@code x}'s manager stays alive
   * until that manager, normally the step's, is closed after backward.
   *
   * @param like the array whose type, device and manager the scalar takes
   * @param value the value
   * @return a 0-d array
   */
  static NDArray scalarLike(NDArray like, double value) {
    NDManager manager = like.getManager();
    NDArray scalar =
        like.getDataType() == DataType.FLOAT64
            ? manager.create(value)
            : manager.create((float) value).toType(like.getDataType(), false);
    return scalar.getDevice().equals(like.getDevice())
        ? scalar
        : scalar.toDevice(like.getDevice(), false);
  }

  /**
   * Divides by a number held in a scalar of the array's own type ({@link #scalarLike}): safe under
   * autograd, and neither promotes a float32 scalar to float64 nor rounds a float64 divisor.
   *
   * @param x the array
   * @param divisor the divisor
   * @return {@code x / divisor}, same data type as {@code x}
   */
  static NDArray divide(NDArray x, double divisor) {
    return x.div(scalarLike(x, divisor));
  }

  /**
   * Multiplies by a number held in a scalar of the array's own type (see {@link #divide}).
   *
   * @param x the array
   * @param factor the factor
   * @return {@code x * factor}, same data type as {@code x}
   */
  static NDArray multiply(NDArray x, double factor) {
    return x.mul(scalarLike(x, factor));
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
}
