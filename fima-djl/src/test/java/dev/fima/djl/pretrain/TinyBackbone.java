package dev.fima.djl.pretrain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv3d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.api.config.BackboneConfig;
import dev.fima.djl.backbone.VideoBackbone;

/** A test-only backbone: one 3-D convolution of stride (2, 4, 4), returning [map, pooled]. */
final class TinyBackbone extends AbstractBlock implements VideoBackbone {

  private final Conv3d conv;
  private final int channels;
  private final BackboneConfig config;

  TinyBackbone(int channels, BackboneConfig config) {
    this.channels = channels;
    this.config = config;
    this.conv =
        addChildBlock(
            "conv",
            Conv3d.builder()
                .setKernelShape(new Shape(2, 4, 4))
                .optStride(new Shape(2, 4, 4))
                .setFilters(channels)
                .build());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray map = conv.forward(ps, inputs, training).head();
    long b = map.getShape().get(0);
    return new NDList(map, map.reshape(b, channels, -1).mean(new int[] {2}));
  }

  @Override
  public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape map = conv.getOutputShapes(inputShapes)[0];
    return new Shape[] {map, new Shape(map.get(0), channels)};
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
    return config;
  }
}
