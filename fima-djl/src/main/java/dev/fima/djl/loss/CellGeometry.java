package dev.fima.djl.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Geometric positives of the dense loss (section 4(c), steps 1-2 of the method notes). Each view's
 * crop {@code (x1, y1, x2, y2)} in the shared frame coordinates is divided into an {@code h x w}
 * grid; cell {@code (x, y)} has its centre at {@code (x1 + (x + 0.5) bw, y1 + (y + 0.5) bh)} with
 * {@code bw = (x2 - x1) / w}, {@code bh = (y2 - y1) / h}. A flipped crop has {@code x1 > x2}, so
 * {@code bw < 0} and its centres run right to left, as its pixels do. Query cell a and key cell b
 * are a positive pair when the distance of their centres, divided by the larger of the two cell
 * diagonals, is below {@code posRatio}. Cells are numbered in raster order, {@code a = y w + x}.
 */
public final class CellGeometry {

  private CellGeometry() {}

  /**
   * Computes the positive-pair matrix of every sample.
   *
   * @param coordQ query-grid crops {@code [N, 4]}
   * @param coordK key-grid crops {@code [N, 4]}
   * @param heightQ query grid height
   * @param widthQ query grid width
   * @param heightK key grid height
   * @param widthK key grid width
   * @param posRatio threshold in cell diagonals (0.7 in the reference)
   * @return {@code [N, hq wq, hk wk]} of 0 and 1 in the coordinates' floating type, no gradient
   */
  public static NDArray positives(
      NDArray coordQ,
      NDArray coordK,
      int heightQ,
      int widthQ,
      int heightK,
      int widthK,
      double posRatio) {
    NDArray cq = coordQ.stopGradient();
    NDArray ck = coordK.stopGradient();
    Centres q = centres(cq, heightQ, widthQ);
    Centres k = centres(ck, heightK, widthK);
    long n = cq.getShape().get(0);
    NDArray dx = q.x.reshape(n, -1, 1).sub(k.x.reshape(n, 1, -1));
    NDArray dy = q.y.reshape(n, -1, 1).sub(k.y.reshape(n, 1, -1));
    NDArray distance = dx.square().add(dy.square()).sqrt();
    NDArray diagonal = q.diagonal.maximum(k.diagonal).reshape(n, 1, 1);
    return distance.div(diagonal).lt(posRatio).toType(cq.getDataType(), false);
  }

  private static Centres centres(NDArray coord, int height, int width) {
    NDManager manager = coord.getManager();
    DataType type = coord.getDataType();
    long n = coord.getShape().get(0);
    NDArray x1 = coord.get(":, 0").reshape(n, 1, 1);
    NDArray y1 = coord.get(":, 1").reshape(n, 1, 1);
    NDArray binWidth = coord.get(":, 2").reshape(n, 1, 1).sub(x1).div(width);
    NDArray binHeight = coord.get(":, 3").reshape(n, 1, 1).sub(y1).div(height);
    NDArray columns =
        manager
            .arange(0f, (float) width)
            .add(0.5f)
            .toType(type, false)
            .toDevice(coord.getDevice(), false)
            .reshape(1, 1, width);
    NDArray rows =
        manager
            .arange(0f, (float) height)
            .add(0.5f)
            .toType(type, false)
            .toDevice(coord.getDevice(), false)
            .reshape(1, height, 1);
    // Broadcast to [N, h, w] so that flattening gives raster order y * w + x.
    NDArray x = x1.add(columns.mul(binWidth)).broadcast(n, height, width).reshape(n, -1);
    NDArray y = y1.add(rows.mul(binHeight)).broadcast(n, height, width).reshape(n, -1);
    NDArray diagonal = binWidth.square().add(binHeight.square()).sqrt().reshape(n);
    return new Centres(x, y, diagonal);
  }

  private record Centres(NDArray x, NDArray y, NDArray diagonal) {}
}
