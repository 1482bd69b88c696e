package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The reference I3D's max-pool: a zero pad of {@link Padding3d#tfSame} amounts, then a max-pool in
 * ceil mode. Its inputs must be non-negative (every pool of I3D follows a ReLU): zero padding then
 * equals the pool's own minus-infinity padding, which this block uses when the padding is
 * symmetric, sparing a padded copy. Ceil mode only matters when the padded length minus the kernel
 * is not a multiple of the stride, as at a 7-cell grid before the last pool of an I3D at 112 pixels
 * (7 becomes 4).
 */
public final class SameMaxPool3d extends AbstractFimaBlock {

  private static final Shape NO_PADDING = new Shape(0, 0, 0);

  private final int[] kernel;
  private final int[] stride;
  private final Padding3d padding;

  /**
   * Creates the pool.
   *
   * @param kernel kernel size (T, H, W)
   * @param stride stride (T, H, W)
   */
  public SameMaxPool3d(int[] kernel, int[] stride) {
    this.kernel = kernel.clone();
    this.stride = stride.clone();
    this.padding = Padding3d.tfSame(kernel, stride);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    Shape k = new Shape(ConvUnit.toLongs(kernel));
    Shape s = new Shape(ConvUnit.toLongs(stride));
    if (padding.isSymmetric()) {
      // The pool's own (minus-infinity) padding equals zero padding on non-negative inputs and
      // saves a padded copy of the map.
      return new NDList(Pool.maxPool3d(input, k, s, padding.symmetricShape(), true));
    }
    NDArray padded = input.pad(padding.padShape(), 0);
    NDArray out = Pool.maxPool3d(padded, k, s, NO_PADDING, true);
    padded.close();
    return new NDList(out);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long[] out = {in.get(0), in.get(1), 0, 0, 0};
    for (int axis = 0; axis < 3; axis++) {
      out[axis + 2] =
          ceilModeSize(in.get(axis + 2) + padding.total(axis), kernel[axis], stride[axis]);
    }
    return new Shape[] {new Shape(out)};
  }

  /**
   * PyTorch's ceil-mode output length for an already padded input: the last window must start
   * inside.
   */
  static long ceilModeSize(long padded, int kernel, int stride) {
    long out = Math.floorDiv(padded - kernel + stride - 1, stride) + 1;
    if ((out - 1) * stride >= padded) {
      out--;
    }
    return out;
  }
}
