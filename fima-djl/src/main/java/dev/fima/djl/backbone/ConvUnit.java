package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A bias-free 3D convolution, optionally followed by batch normalisation and ReLU: the unit every
 * backbone here is built from. Asymmetric ("SAME") padding is applied as an explicit zero pad of
 * the input; symmetric padding goes to the convolution itself.
 */
public final class ConvUnit extends AbstractFimaBlock {

  private static final Shape NO_DILATION = new Shape(1, 1, 1);

  private final int outChannels;
  private final int[] kernel;
  private final int[] stride;
  private final Padding3d padding;
  private final boolean relu;
  private final Parameter weight;
  private final ChannelBatchNorm batchNorm;

  /**
   * Creates a convolution unit.
   *
   * @param outChannels output channels
   * @param kernel kernel size (T, H, W)
   * @param stride stride (T, H, W)
   * @param padding zero padding of the input
   * @param batchNorm whether batch normalisation follows the convolution
   * @param relu whether ReLU follows (after batch normalisation)
   * @param init how the weights are drawn
   */
  public ConvUnit(
      int outChannels,
      int[] kernel,
      int[] stride,
      Padding3d padding,
      boolean batchNorm,
      boolean relu,
      ConvInit init) {
    this.outChannels = outChannels;
    this.kernel = kernel.clone();
    this.stride = stride.clone();
    this.padding = padding;
    this.relu = relu;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optInitializer(init.initializer())
                .build());
    this.batchNorm = batchNorm ? addChildBlock("bn", new ChannelBatchNorm()) : null;
  }

  /**
   * Returns the number of output channels.
   *
   * @return the channels
   */
  public int outChannels() {
    return outChannels;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    NDArray w = parameterStore.getValue(weight, input.getDevice(), training);
    NDArray x = input;
    Shape convPadding;
    if (padding.isSymmetric()) {
      convPadding = padding.symmetricShape();
    } else {
      x = input.pad(padding.padShape(), 0);
      convPadding = new Shape(0, 0, 0);
    }
    NDArray y =
        Conv3d.conv3d(x, w, null, new Shape(toLongs(stride)), convPadding, NO_DILATION, 1)
            .singletonOrThrow();
    // Each intermediate is released once consumed (see Release): a padded copy, the raw
    // convolution, the normalised map.
    if (x != input) {
      x.close();
    }
    if (batchNorm != null) {
      y = Release.after(y, batchNorm.forward(parameterStore, new NDList(y), training));
    }
    return relu ? new NDList(Release.after(y, new NDList(Activation.relu(y)))) : new NDList(y);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    long[] out = {in.get(0), outChannels, 0, 0, 0};
    for (int axis = 0; axis < 3; axis++) {
      out[axis + 2] = (in.get(axis + 2) + padding.total(axis) - kernel[axis]) / stride[axis] + 1;
    }
    return new Shape[] {new Shape(out)};
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    weight.setShape(new Shape(outChannels, inputShapes[0].get(1), kernel[0], kernel[1], kernel[2]));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (batchNorm != null) {
      batchNorm.initialize(manager, dataType, getOutputShapes(inputShapes));
    }
  }

  static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
