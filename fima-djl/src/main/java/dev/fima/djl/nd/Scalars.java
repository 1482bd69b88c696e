package dev.fima.djl.nd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Arithmetic with a number that is safe under autograd. Use these instead of {@code x.mul(number)}
 * or {@code x.div(number)} whenever {@code x} may record a gradient.
 *
 * <p>Why: DJL's PyTorch engine turns the number into a tensor that borrows the memory of a Java
 * direct buffer, computes, and closes that tensor at once. When {@code x} records a gradient,
 * autograd keeps the scalar for the backward pass, but the Java buffer behind it may be
 * garbage-collected in between, so backward can read freed memory: a rare, huge or NaN,
 * non-reproducible gradient. The scalars made here are copies that libtorch owns, so autograd's
 * reference keeps them alive whenever their DJL handle (in {@code x}'s manager) is closed.
 */
public final class Scalars {

  private Scalars() {}

  /**
   * Returns a scalar in an array's data type, device and manager, to combine with it.
   *
   * @param like the array whose type, device and manager the scalar takes
   * @param value the value
   * @return a 0-d array
   */
  public static NDArray scalarLike(NDArray like, double value) {
    NDManager manager = like.getManager();
    NDArray borrowed =
        like.getDataType() == DataType.FLOAT64
            ? manager.create(value)
            : manager.create((float) value);
    NDArray moved = borrowed.toDevice(like.getDevice(), false);
    NDArray typed = moved.toType(like.getDataType(), false);
    // A copy libtorch owns: the created array borrows a Java buffer, which the garbage collector
    // may free once the array is closed, and the array's manager can be closed before backward
    // (a pass run in a manager of its own, as MomentumEncoder's are).
    NDArray owned = typed.duplicate();
    for (NDArray a : new NDArray[] {typed, moved, borrowed}) {
      if (!a.isReleased()) {
        a.close();
      }
    }
    return owned;
  }

  /**
   * Divides by a number held in a scalar of the array's own type ({@link #scalarLike}): safe under
   * autograd, and neither promotes a float32 array to float64 nor rounds a float64 divisor.
   *
   * @param x the array
   * @param divisor the divisor
   * @return {@code x / divisor}, same data type as {@code x}
   */
  public static NDArray divide(NDArray x, double divisor) {
    return x.div(scalarLike(x, divisor));
  }

  /**
   * Multiplies by a number held in a scalar of the array's own type (see {@link #divide}).
   *
   * @param x the array
   * @param factor the factor
   * @return {@code x * factor}, same data type as {@code x}
   */
  public static NDArray multiply(NDArray x, double factor) {
    return x.mul(scalarLike(x, factor));
  }
}
