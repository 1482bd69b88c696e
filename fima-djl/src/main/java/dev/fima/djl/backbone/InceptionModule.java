package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * One "Mixed" module of the inflated Inception-v1 (I3D): four branches concatenated along the
 * channels, a 1x1x1 convolution; 1x1x1 then 3x3x3; 1x1x1 then 3x3x3; a 3x3x3 max-pool then 1x1x1.
 */
public final class InceptionModule extends AbstractFimaBlock {

  private final List<Block> branches;
  private final int outChannels;

  /**
   * Creates a module.
   *
   * @param widths the six widths of the reference: branch 0; branch 1 reduce and output; branch 2
   *     reduce and output; branch 3 (after the pool)
   */
  public InceptionModule(int[] widths) {
    if (widths.length != 6) {
      throw new IllegalArgumentException("an inception module has six widths");
    }
    int[] one = {1, 1, 1};
    int[] three = {3, 3, 3};
    Block b0 = addChildBlock("branch0", unit(widths[0], one));
    Block b1 =
        addChildBlock(
            "branch1",
            new NamedSequence()
                .add("reduce", unit(widths[1], one))
                .add("conv", unit(widths[2], three)));
    Block b2 =
        addChildBlock(
            "branch2",
            new NamedSequence()
                .add("reduce", unit(widths[3], one))
                .add("conv", unit(widths[4], three)));
    Block b3 =
        addChildBlock(
            "branch3",
            new NamedSequence()
                .add("pool", new SameMaxPool3d(three, one))
                .add("conv", unit(widths[5], one)));
    branches = List.of(b0, b1, b2, b3);
    outChannels = widths[0] + widths[2] + widths[4] + widths[5];
  }

  /**
   * Returns the channels of the concatenated output.
   *
   * @return the channels
   */
  public int outChannels() {
    return outChannels;
  }

  private static ConvUnit unit(int out, int[] kernel) {
    int[] stride = {1, 1, 1};
    return new ConvUnit(
        out, kernel, stride, Padding3d.tfSame(kernel, stride), true, true, ConvInit.TORCH_DEFAULT);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDList outs = new NDList(branches.size());
    for (Block branch : branches) {
      outs.add(branch.forward(parameterStore, inputs, training, params).singletonOrThrow());
    }
    NDArray joined = NDArrays.concat(outs, 1);
    outs.close();
    return new NDList(joined);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    Shape branch = branches.get(0).getOutputShapes(inputShapes)[0];
    return new Shape[] {
      new Shape(in.get(0), outChannels, branch.get(2), branch.get(3), branch.get(4))
    };
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    for (Block branch : branches) {
      branch.initialize(manager, dataType, inputShapes);
    }
  }
}
