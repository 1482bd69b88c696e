package dev.fima.djl.backbone;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Zero padding of the three spatiotemporal axes (T, H, W) of a {@code [B, C, T, H, W]} array, with
 * possibly different amounts before and after, as TensorFlow's "SAME" padding needs.
 *
 * @param before padding before the first element of T, H and W
 * @param after padding after the last element of T, H and W
 */
public record Padding3d(int[] before, int[] after) {

  /** Copies and checks the arrays. */
  public Padding3d {
    if (before.length != 3 || after.length != 3) {
      throw new IllegalArgumentException("padding needs three axes (T, H, W)");
    }
    before = before.clone();
    after = after.clone();
  }

  /**
   * Returns the same padding on both sides of each axis, as PyTorch's {@code padding=(t, h, w)}.
   *
   * @param t temporal padding
   * @param h vertical padding
   * @param w horizontal padding
   * @return the padding
   */
  public static Padding3d symmetric(int t, int h, int w) {
    return new Padding3d(new int[] {t, h, w}, new int[] {t, h, w});
  }

  /**
   * Returns the static TensorFlow "SAME" padding the reference I3D uses: along each axis a total of
   * {@code max(k - s, 0)}, the smaller half before and the larger half after. (TensorFlow itself
   * derives the total from the input size; the reference does not.)
   *
   * @param kernel kernel size per axis
   * @param stride stride per axis
   * @return the padding
   */
  public static Padding3d tfSame(int[] kernel, int[] stride) {
    int[] before = new int[3];
    int[] after = new int[3];
    for (int i = 0; i < 3; i++) {
      int total = Math.max(kernel[i] - stride[i], 0);
      before[i] = total / 2;
      after[i] = total - before[i];
    }
    return new Padding3d(before, after);
  }

  /**
   * Returns whether every axis is padded equally on both sides, so that the convolution's own
   * padding argument can do it without a padded copy of the input.
   *
   * @return true when symmetric
   */
  public boolean isSymmetric() {
    return Arrays.equals(before, after);
  }

  /**
   * Returns whether no axis is padded.
   *
   * @return true for zero padding everywhere
   */
  public boolean isZero() {
    return Arrays.stream(before).allMatch(v -> v == 0)
        && Arrays.stream(after).allMatch(v -> v == 0);
  }

  /**
   * Returns the symmetric amounts as a shape, for a convolution's padding argument.
   *
   * @return {@code (t, h, w)}
   * @throws IllegalStateException when the padding is not symmetric
   */
  public Shape symmetricShape() {
    if (!isSymmetric()) {
      throw new IllegalStateException("padding is not symmetric: " + this);
    }
    return new Shape(before[0], before[1], before[2]);
  }

  /**
   * Returns the padding in the order {@code NDArray.pad} (PyTorch's {@code F.pad}) expects: the
   * last axis first, before then after.
   *
   * @return {@code (wBefore, wAfter, hBefore, hAfter, tBefore, tAfter)}
   */
  public Shape padShape() {
    return new Shape(before[2], after[2], before[1], after[1], before[0], after[0]);
  }

  /**
   * Returns the total padding along one axis.
   *
   * @param axis 0 for T, 1 for H, 2 for W
   * @return before plus after
   */
  public int total(int axis) {
    return before[axis] + after[axis];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Padding3d p
        && Arrays.equals(before, p.before)
        && Arrays.equals(after, p.after);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(before) + Arrays.hashCode(after);
  }

  @Override
  public String toString() {
    return "Padding3d" + Arrays.toString(before) + "/" + Arrays.toString(after);
  }
}
