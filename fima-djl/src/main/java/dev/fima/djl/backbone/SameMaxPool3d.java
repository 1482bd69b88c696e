package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The reference I3D's max-pool: a zero pad of {@link Padding3d#tfSame} amounts, then a max-pool in
 * ceil mode. Zero padding equals the usual minus-infinity padding here because every input follows
 * a ReLU; ceil mode only matters when the padded length minus the kernel is not a multiple of the
 * stride, as at a 7-cell grid before the last pool of an I3D at 112 pixels (7 becomes 4).
 */
public final class SameMaxPool3d extends AbstractBlock {

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
    NDArray x = inputs.singletonOrThrow();
    if (!padding.isZero()) {
      x = x.pad(padding.padShape(), 0);
    }
    return new NDList(
        Pool.maxPool3d(
            x,
            new Shape(ConvUnit.toLongs(kernel)),
            new Shape(ConvUnit.toLongs(stride)),
            NO_PADDING,
            true));
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
