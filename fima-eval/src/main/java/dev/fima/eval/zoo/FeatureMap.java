package dev.fima.eval.zoo;

import ai.djl.ndarray.types.Shape;

/**
 * The last feature maps of a backbone for the views of one video, copied to host memory: what a
 * {@code Predictor<Path, FeatureMap>} returns.
 *
 * @param shape {@code [K, C, T', h, w]}: K views (clips x crops, clip {@code k * crops + c} being
 *     window k, crop c), C channels, and the temporal and spatial size of the map
 * @param values the {@code K * C * T' * h * w} values, row-major
 */
public record FeatureMap(Shape shape, float[] values) {

  /** Checks that the values fill the shape. */
  public FeatureMap {
    if (shape.dimension() != 5 || shape.size() != values.length) {
      throw new IllegalArgumentException(
          "a feature map is [K, C, T', h, w] with one value per element, got "
              + shape
              + " for "
              + values.length
              + " values");
    }
  }

  /**
   * Returns the number of views K.
   *
   * @return K
   */
  public int views() {
    return (int) shape.get(0);
  }
}
