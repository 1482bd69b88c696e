package dev.fima.eval.probe;

/**
 * Per-feature standardisation {@code (x - mean) / std} with statistics of the rows a classifier is
 * fitted on, so that one learning-rate grid suits every backbone whatever the scale of its
 * features. A constant feature (std below 1e-6) is only centred.
 */
public final class Standardizer {

  private static final double MIN_STD = 1e-6;

  private final float[] mean;
  private final float[] scale;

  private Standardizer(float[] mean, float[] scale) {
    this.mean = mean;
    this.scale = scale;
  }

  /**
   * Fits the statistics (population standard deviation).
   *
   * @param rows {@code [N][C]} rows, N at least 1
   * @return the fitted standardiser
   */
  public static Standardizer fit(float[][] rows) {
    if (rows.length == 0) {
      throw new IllegalArgumentException("no rows to fit a standardiser on");
    }
    int c = rows[0].length;
    double[] sum = new double[c];
    double[] sq = new double[c];
    for (float[] row : rows) {
      for (int j = 0; j < c; j++) {
        sum[j] += row[j];
      }
    }
    float[] mean = new float[c];
    for (int j = 0; j < c; j++) {
      mean[j] = (float) (sum[j] / rows.length);
    }
    for (float[] row : rows) {
      for (int j = 0; j < c; j++) {
        double d = row[j] - mean[j];
        sq[j] += d * d;
      }
    }
    float[] scale = new float[c];
    for (int j = 0; j < c; j++) {
      double std = Math.sqrt(sq[j] / rows.length);
      scale[j] = (float) (std < MIN_STD ? 1 : 1 / std);
    }
    return new Standardizer(mean, scale);
  }

  /**
   * Standardises rows into new arrays.
   *
   * @param rows {@code [N][C]}
   * @return standardised copies
   */
  public float[][] apply(float[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      float[] r = new float[mean.length];
      for (int j = 0; j < mean.length; j++) {
        r[j] = (rows[i][j] - mean[j]) * scale[j];
      }
      out[i] = r;
    }
    return out;
  }
}
