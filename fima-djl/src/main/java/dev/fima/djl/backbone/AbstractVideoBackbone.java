package dev.fima.djl.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.fima.api.config.BackboneConfig;

/**
 * A backbone made of one body that produces the feature map, followed by global average pooling.
 * Subclasses build the body in their constructor and pass it here.
 */
public abstract class AbstractVideoBackbone extends AbstractFimaBlock implements VideoBackbone {

  private final BackboneConfig config;
  private final NamedSequence body;
  private final int channels;
  private final int temporalStride;
  private final int spatialStride;

  /**
   * Creates the backbone around its body.
   *
   * @param config the configuration it was built from
   * @param body the layers from the clip to the last feature map
   * @param channels channels of the last feature map
   * @param temporalStride total temporal downsampling
   * @param spatialStride total spatial downsampling
   */
  protected AbstractVideoBackbone(
      BackboneConfig config,
      NamedSequence body,
      int channels,
      int temporalStride,
      int spatialStride) {
    this.config = config;
    this.body = addChildBlock("body", body);
    this.channels = channels;
    this.temporalStride = temporalStride;
    this.spatialStride = spatialStride;
  }

  @Override
  public int featureChannels() {
    return channels;
  }

  @Override
  public int temporalStride() {
    return temporalStride;
  }

  @Override
  public int spatialStride() {
    return spatialStride;
  }

  @Override
  public BackboneConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    if (x.getShape().dimension() != 5 || x.getShape().get(1) != 3) {
      throw new IllegalArgumentException(
          "a clip batch must be [B, 3, T, S, S], got " + x.getShape());
    }
    NDArray map = body.forward(parameterStore, inputs, training, params).singletonOrThrow();
    Shape s = map.getShape();
    // DJL's mean takes one axis on this engine: flatten (T', h, w) first.
    NDArray flat = map.reshape(s.get(0), s.get(1), -1);
    NDArray pooled = flat.mean(new int[] {2});
    flat.close();
    return new NDList(map, pooled);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape map = body.getOutputShapes(inputShapes)[0];
    return new Shape[] {map, new Shape(map.get(0), map.get(1))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    body.initialize(manager, dataType, inputShapes);
  }

  /**
   * Scales a channel count by the width multiplier, keeping at least one channel.
   *
   * @param channels the full-width count
   * @param width the multiplier
   * @return the scaled count
   */
  protected static int scaled(int channels, double width) {
    return Math.max(1, (int) Math.round(channels * width));
  }
}
