package dev.fima.djl.testing;

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
import java.util.List;

/**
 * The test-only backbone of every module's tests: one 3-D convolution of stride (2, 4, 4) (time /2,
 * space /4), optionally followed by batch-norm and ReLU, returning [map, pooled]. Small enough for
 * unit tests; the batch-norm variant makes inference mode observable.
 */
public final class TinyBackbone extends AbstractBlock implements VideoBackbone {

  private final int channels;
  private final BackboneConfig config;
  private final Conv3d conv;
  private final BatchNorm norm;

  /**
   * Creates the convolution alone.
   *
   * @param channels output channels C
   * @param config the configuration it reports
   */
  public TinyBackbone(int channels, BackboneConfig config) {
    this(channels, config, false);
  }

  private TinyBackbone(int channels, BackboneConfig config, boolean batchNorm) {
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
    this.norm = batchNorm ? addChildBlock("bn", BatchNorm.builder().optAxis(1).build()) : null;
  }

  /**
   * Creates the convolution followed by batch-norm and ReLU, reporting the configuration {@code
   * tiny} at width {@code channels / 8}.
   *
   * @param channels output channels C
   * @return the backbone
   */
  public static TinyBackbone withBatchNorm(int channels) {
    return new TinyBackbone(channels, new BackboneConfig("tiny", channels / 8.0, List.of()), true);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList x = conv.forward(ps, inputs, training);
    NDArray map =
        norm == null ? x.head() : Activation.relu(norm.forward(ps, x, training).singletonOrThrow());
    long b = map.getShape().get(0);
    return new NDList(map, map.reshape(b, channels, -1).mean(new int[] {2}));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, inputShapes);
    if (norm != null) {
      norm.initialize(manager, dataType, conv.getOutputShapes(inputShapes));
    }
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
