package dev.fima.djl.model;

import dev.fima.api.config.PositionalEncoding;

/**
 * Fixed sinusoidal encodings of the tokens of one temporal slice, computed for any grid: the
 * reference's 1-D table over the raster index (without its limit of 100 positions), or a 2-D
 * variant whose first half of the channels encodes the row and second half the column.
 */
public final class SinePositionalEncoding {

  private static final double BASE = 10000;

  private SinePositionalEncoding() {}

  /**
   * Returns the encoding of an {@code h x w} grid, row-major, as {@code h * w * dim} values.
   *
   * @param kind 1-D over the raster index or 2-D over (row, column)
   * @param h grid rows
   * @param w grid columns
   * @param dim token width; even for 1-D, a multiple of 4 for 2-D
   * @return the table, position-major
   */
  public static float[] table(PositionalEncoding kind, int h, int w, int dim) {
    float[] out = new float[h * w * dim];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int offset = (y * w + x) * dim;
        switch (kind) {
          case SINE_1D -> fill(out, offset, dim, y * w + x);
          case SINE_2D -> {
            fill(out, offset, dim / 2, y);
            fill(out, offset + dim / 2, dim / 2, x);
          }
        }
      }
    }
    return out;
  }

  /**
   * Returns the smallest multiple the token width must be for an encoding.
   *
   * @param kind the encoding
   * @return 2 for 1-D, 4 for 2-D
   */
  public static int requiredMultiple(PositionalEncoding kind) {
    return kind == PositionalEncoding.SINE_1D ? 2 : 4;
  }

  /**
   * Sine on even channels, cosine on odd, at frequencies {@code BASE^(-2i/dim)}, as the reference.
   */
  private static void fill(float[] out, int offset, int dim, int position) {
    for (int i = 0; i < dim; i += 2) {
      double angle = position / Math.pow(BASE, (double) i / dim);
      out[offset + i] = (float) Math.sin(angle);
      if (i + 1 < dim) {
        out[offset + i + 1] = (float) Math.cos(angle);
      }
    }
  }
}
