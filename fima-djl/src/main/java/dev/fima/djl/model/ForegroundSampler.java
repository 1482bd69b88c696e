package dev.fima.djl.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Foreground masks of a view's feature grid, which decide the cells the dense loss counts (section
 * 5 of the method notes). Every mask is a float 0/1 array {@code [B, h, w]} computed without
 * gradient.
 */
public final class ForegroundSampler {

  private ForegroundSampler() {}

  /**
   * The reference's mask ({@code gen_grid_mask}): the class-agnostic activation of the key
   * encoder's RGB map plus that of its frame-difference map (each the mean over channels and time),
   * thresholded strictly above its per-sample median. The median of an even number of cells is the
   * lower one, as {@code torch.median}; with distinct values, 24 of 49 cells are foreground.
   *
   * @param rgbMap key-encoder map of the RGB view, {@code [B, C, T', h, w]}
   * @param diffMap key-encoder map of the view's frame-difference clip, same shape
   * @return the mask {@code [B, h, w]}
   */
  public static NDArray median(NDArray rgbMap, NDArray diffMap) {
    NDArray activation = activation(rgbMap.stopGradient()).add(activation(diffMap.stopGradient()));
    Shape s = activation.getShape();
    NDArray flat = activation.reshape(s.get(0), -1);
    NDArray threshold = flat.median(new int[] {1}).reshape(s.get(0), 1);
    return flat.gt(threshold).toType(DataType.FLOAT32, false).reshape(s);
  }

  /**
   * The unused option of the reference ({@code diff_mask}): sum a pixel-motion map over each grid
   * cell and mark the {@code floor(ratio h w)} cells with the most motion.
   *
   * @param pixelMotion per-pixel motion, such as the mean absolute frame difference, {@code [B, S,
   *     S]}; S must be a multiple of h and w
   * @param h grid rows
   * @param w grid columns
   * @param ratio share of the cells to mark (0.5 in the reference)
   * @return the mask {@code [B, h, w]}
   */
  public static NDArray topKMotion(NDArray pixelMotion, int h, int w, double ratio) {
    Shape s = pixelMotion.getShape();
    long b = s.get(0);
    if (s.get(1) % h != 0 || s.get(2) % w != 0) {
      throw new IllegalArgumentException(
          "a " + s.get(1) + "x" + s.get(2) + " motion map does not split into " + h + "x" + w);
    }
    NDArray cells =
        pixelMotion
            .stopGradient()
            .reshape(b, h, s.get(1) / h, w, s.get(2) / w)
            .sum(new int[] {2, 4})
            .reshape(b, (long) h * w);
    int k = (int) Math.floor(ratio * h * w);
    if (k == 0) {
      return cells.zerosLike().reshape(b, h, w);
    }
    NDList top = cells.topK(k, 1, true, false);
    NDArray mask = top.get(1).oneHot(h * w).sum(new int[] {1});
    return mask.toType(DataType.FLOAT32, false).reshape(b, h, w);
  }

  /**
   * A mask that counts every cell: foreground sampling off.
   *
   * @param like any array on the wanted device, for the manager
   * @param b batch size
   * @param h grid rows
   * @param w grid columns
   * @return ones {@code [B, h, w]}
   */
  public static NDArray all(NDArray like, long b, long h, long w) {
    return like.getManager().ones(new Shape(b, h, w), DataType.FLOAT32, like.getDevice());
  }

  /** Mean over channels, then over time: [B, C, T', h, w] to [B, h, w]. */
  private static NDArray activation(NDArray map) {
    return map.mean(new int[] {1}).mean(new int[] {1});
  }
}
