package dev.fima.djl.backbone;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.fima.api.config.BackboneConfig;

/**
 * A 3D video backbone. Its forward takes {@code [x]} with {@code x} of shape {@code [B, 3, T, S,
 * S]} and returns {@code [map, pooled]}: the last feature map {@code [B, C, T', h, w]} and its
 * global average {@code [B, C]}.
 */
public interface VideoBackbone extends Block {

  /**
   * Returns the channel count C of the feature map and the pooled vector.
   *
   * @return C
   */
  int featureChannels();

  /**
   * Returns the total temporal downsampling factor (T / T').
   *
   * @return the temporal stride
   */
  int temporalStride();

  /**
   * Returns the total spatial downsampling factor (S / h).
   *
   * @return the spatial stride
   */
  int spatialStride();

  /**
   * Returns the configuration the backbone was built from.
   *
   * @return the configuration
   */
  BackboneConfig config();

  /**
   * Returns the number the crop size must be a multiple of for the feature grid to tile the crop
   * evenly. Usually the spatial stride; an architecture whose last pool rounds up (I3D) may accept
   * finer multiples, its last cells then partly covering padding, as in the reference.
   *
   * @return the crop multiple
   */
  default int cropMultiple() {
    return spatialStride();
  }

  /**
   * Returns the shape of the feature map for one clip of the given size, {@code [1, C, T', h, w]},
   * computed from the architecture without running it.
   *
   * @param frames clip length T
   * @param crop clip side S
   * @return the feature map shape at batch size 1
   */
  default Shape featureMapShape(int frames, int crop) {
    return getOutputShapes(new Shape[] {new Shape(1, 3, frames, crop, crop)})[0];
  }
}
