package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The basic residual block of the video ResNets: two convolutions (3x3x3, or the (2+1)D
 * factorisation of each), batch normalisation, and a shortcut that is a strided 1x1x1 convolution
 * with batch normalisation when the shape changes (torchvision's {@code BasicBlock}).
 */
public final class ResidualBlock extends AbstractFimaBlock {

  private final Block conv1;
  private final Block conv2;
  private final Block downsample;

  /**
   * Creates a block.
   *
   * @param kind full 3D or (2+1)D convolutions
   * @param inChannels input channels
   * @param outChannels output channels
   * @param temporalStride stride along time (1 or 2)
   * @param spatialStride stride along height and width (1 or 2)
   */
  public ResidualBlock(
      ResidualConv kind, int inChannels, int outChannels, int temporalStride, int spatialStride) {
    int mid = ResidualConv.midChannels(inChannels, outChannels);
    conv1 =
        addChildBlock("conv1", kind.build(mid, outChannels, temporalStride, spatialStride, true));
    conv2 = addChildBlock("conv2", kind.build(mid, outChannels, 1, 1, false));
    boolean reshapes = temporalStride != 1 || spatialStride != 1 || inChannels != outChannels;
    downsample =
        reshapes
            ? addChildBlock(
                "downsample",
                new ConvUnit(
                    outChannels,
                    new int[] {1, 1, 1},
                    new int[] {temporalStride, spatialStride, spatialStride},
                    Padding3d.symmetric(0, 0, 0),
                    true,
                    false,
                    ConvInit.KAIMING_FAN_OUT))
            : null;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList mid = conv1.forward(parameterStore, inputs, training);
    NDArray out = Release.after(mid, conv2.forward(parameterStore, mid, training));
    if (downsample == null) {
      // In place, as the reference's "out += residual": batch norm's backward needs no output.
      out.addi(inputs.singletonOrThrow());
    } else {
      NDList shortcut = downsample.forward(parameterStore, inputs, training);
      out.addi(shortcut.singletonOrThrow());
      shortcut.close();
    }
    return new NDList(Release.after(out, new NDList(Activation.relu(out))));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv2.getOutputShapes(conv1.getOutputShapes(inputShapes));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv1.initialize(manager, dataType, inputShapes);
    conv2.initialize(manager, dataType, conv1.getOutputShapes(inputShapes));
    if (downsample != null) {
      downsample.initialize(manager, dataType, inputShapes);
    }
  }
}
