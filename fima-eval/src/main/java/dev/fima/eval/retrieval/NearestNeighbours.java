package dev.fima.eval.retrieval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Cosine nearest neighbours of query features in a gallery, computed on a device.
 *
 * <p>Features are centred by the <em>gallery</em> mean and then L2-normalised. FAME centres by the
 * mean of the whole set (queries included), which lets the test videos shape the space they are
 * scored in; the gallery mean is what a deployed retrieval system can know in advance, and it makes
 * a query's ranking independent of the other queries.
 */
public final class NearestNeighbours {

  /** Queries are scored in chunks so that the similarity matrix never has to fit at once. */
  private static final int QUERY_CHUNK = 256;

  private NearestNeighbours() {}

  /**
   * Ranks the gallery for every query.
   *
   * @param manager the manager (and device) of the computation; every array made here is closed
   *     before returning
   * @param gallery {@code [G][C]} gallery features
   * @param queries {@code [Q][C]} query features
   * @param depth how many neighbours to return per query; clamped to G
   * @return for each query, gallery indices by decreasing cosine similarity, ties towards the lower
   *     index
   */
  public static int[][] rank(NDManager manager, float[][] gallery, float[][] queries, int depth) {
    if (gallery.length == 0) {
      throw new IllegalArgumentException("empty gallery");
    }
    int g = gallery.length;
    int c = gallery[0].length;
    int keep = Math.min(depth, g);
    int[][] ranked = new int[queries.length][];
    try (NDManager scope = manager.newSubManager()) {
      NDArray gal = scope.create(flatten(gallery, c), new Shape(g, c));
      NDArray mean = gal.mean(new int[] {0}, true);
      NDArray galUnit = gal.sub(mean).normalize(2, 1);
      NDArray galT = galUnit.transpose();
      for (int start = 0; start < queries.length; start += QUERY_CHUNK) {
        int n = Math.min(QUERY_CHUNK, queries.length - start);
        try (NDManager step = scope.newSubManager()) {
          float[][] part = new float[n][];
          System.arraycopy(queries, start, part, 0, n);
          NDArray q = step.create(flatten(part, c), new Shape(n, c));
          NDArray sims = q.sub(mean).normalize(2, 1).matMul(galT).toType(DataType.FLOAT32, false);
          float[] flat = sims.toFloatArray();
          for (int i = 0; i < n; i++) {
            ranked[start + i] = topIndices(flat, i * g, g, keep);
          }
        }
      }
    }
    return ranked;
  }

  /**
   * Returns the indices of the {@code keep} largest of {@code values[offset, offset+length)},
   * largest first, ties towards the lower index. A partial insertion sort: {@code keep} is small
   * (at most 50 in the protocol) next to the gallery.
   */
  static int[] topIndices(float[] values, int offset, int length, int keep) {
    int[] best = new int[keep];
    int size = 0;
    for (int j = 0; j < length; j++) {
      float v = values[offset + j];
      if (size == keep && !(v > values[offset + best[size - 1]])) {
        continue;
      }
      int pos = size < keep ? size++ : size - 1;
      while (pos > 0 && v > values[offset + best[pos - 1]]) {
        best[pos] = best[pos - 1];
        pos--;
      }
      best[pos] = j;
    }
    return best;
  }

  private static float[] flatten(float[][] rows, int c) {
    float[] flat = new float[rows.length * c];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != c) {
        throw new IllegalArgumentException(
            "feature " + i + " has " + rows[i].length + " values, expected " + c);
      }
      System.arraycopy(rows[i], 0, flat, i * c, c);
    }
    return flat;
  }
}
