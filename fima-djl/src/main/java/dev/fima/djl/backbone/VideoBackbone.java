package dev.fima.djl.backbone;

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
}
