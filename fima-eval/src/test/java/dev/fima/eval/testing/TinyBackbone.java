package dev.fima.eval.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.api.config.BackboneConfig;
import dev.fima.djl.backbone.VideoBackbone;

/**
 * A test-only VideoBackbone: one strided Conv3d (time /2, space /4), batch-norm, ReLU. Small enough
 * for unit tests, with batch-norm so that inference mode is observable.
 */
public final class TinyBackbone extends AbstractBlock implements VideoBackbone {

  private final int channels;
  private final Conv3d conv;
  private final BatchNorm norm;

  /**
   * Creates the block.
   *
   * @param channels output channels C
   */
  public TinyBackbone(int channels) {
    this.channels = channels;
    conv =
        addChildBlock(
            "conv",
            Conv3d.builder()
                .setKernelShape(new Shape(2, 4, 4))
                .optStride(new Shape(2, 4, 4))
                .setFilters(channels)
                .build());
    norm = addChildBlock("bn", BatchNorm.builder().optAxis(1).build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList x = conv.forward(ps, inputs, training);
    x = norm.forward(ps, x, training);
    NDArray map = Activation.relu(x.singletonOrThrow());
    Shape s = map.getShape();
    NDArray pooled = map.reshape(s.get(0), s.get(1), -1).mean(new int[] {2});
    return new NDList(map, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape in = inputShapes[0];
    Shape map = new Shape(in.get(0), channels, in.get(2) / 2, in.get(3) / 4, in.get(4) / 4);
    return new Shape[] {map, new Shape(in.get(0), channels)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
    norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
  }

  @Override
  public int featureChannels() {
    return channels;
  }

  @Override
  public int temporalStride() {
    return 2;
  }

  @Override
  public int spatialStride() {
    return 4;
  }

  @Override
  public BackboneConfig config() {
    return new BackboneConfig("tiny", channels / 8.0, java.util.List.of());
  }
}
