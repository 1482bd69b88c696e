package dev.fima.datasets.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CropResizerTest {

  /** A W x H BGR frame whose pixel (x, y) has blue = x, green = y, red = x + 10 y. */
  private static byte[] ramp(int w, int h) {
    byte[] bgr = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = 3 * (y * w + x);
        bgr[p] = (byte) x;
        bgr[p + 1] = (byte) y;
        bgr[p + 2] = (byte) (x + 10 * y);
      }
    }
    return bgr;
  }

  @Test
  void sameSizeCropCopiesPixelsAsRgb() {
    byte[] frame = ramp(8, 6);
    CropResizer r = new CropResizer(new CropBox(1, 2, 4, 4, 6, 8, false), 4);
    float[] clip = new float[3 * 4 * 4];
    r.resize(frame, 8, clip, 0, 16);
    // Red channel at output (x=1, y=2) is source (3, 3): 3 + 30 = 33.
    assertEquals(33f / 255, clip[2 * 4 + 1], 1e-6f);
    // Green channel (index 1) carries y, blue (index 2) carries x.
    assertEquals(3f / 255, clip[16 + 2 * 4 + 1], 1e-6f);
    assertEquals(3f / 255, clip[32 + 2 * 4 + 1], 1e-6f);
  }

  @Test
  void halvingAveragesPairsLikeAlignCornersFalse() {
    // With scale 2, output o samples source 2o + 0.5: the mean of pixels 2o and 2o + 1 per axis.
    byte[] frame = ramp(8, 8);
    CropResizer r = new CropResizer(new CropBox(0, 0, 8, 8, 8, 8, false), 4);
    float[] clip = new float[3 * 16];
    r.resize(frame, 8, clip, 0, 16);
    float[] blue = new float[16];
    System.arraycopy(clip, 32, blue, 0, 16);
    float[] expected = new float[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        expected[y * 4 + x] = (2 * x + 0.5f) / 255;
      }
    }
    assertArrayEquals(expected, blue, 1e-6f);
  }

  @Test
  void upsamplingClampsAtTheBorders() {
    // 2 source columns to 4 outputs: positions max(0, (o + .5) / 2 - .5) = 0, .25, .75, 1.25 -> 1.
    byte[] frame = {10, 0, 0, 30, 0, 0};
    CropResizer r = new CropResizer(new CropBox(0, 0, 1, 2, 1, 2, false), 4);
    float[] clip = new float[3 * 16];
    r.resize(frame, 2, clip, 0, 16);
    float[] row = new float[4];
    System.arraycopy(clip, 32, row, 0, 4);
    assertArrayEquals(new float[] {10f / 255, 15f / 255, 25f / 255, 30f / 255}, row, 1e-6f);
  }

  @Test
  void flipMirrorsTheColumns() {
    byte[] frame = ramp(6, 6);
    float[] straight = new float[3 * 36];
    float[] flipped = new float[3 * 36];
    new CropResizer(new CropBox(0, 0, 6, 6, 6, 6, false), 6).resize(frame, 6, straight, 0, 36);
    new CropResizer(new CropBox(0, 0, 6, 6, 6, 6, true), 6).resize(frame, 6, flipped, 0, 36);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 6; x++) {
          assertEquals(straight[c * 36 + y * 6 + x], flipped[c * 36 + y * 6 + 5 - x], 0f);
        }
      }
    }
  }

  /** The position of the brightest output pixel, {x, y}. */
  private static int[] argmax(float[] plane, int s) {
    int best = 0;
    for (int i = 1; i < s * s; i++) {
      if (plane[i] > plane[best]) {
        best = i;
      }
    }
    return new int[] {best % s, best / s};
  }

  @Test
  void markedPixelLandsWhereTheCoordinatesSay() {
    int w = 160;
    int h = 120;
    int s = 32;
    int px = 97;
    int py = 41;
    byte[] frame = new byte[w * h * 3];
    for (int c = 0; c < 3; c++) {
      frame[3 * (py * w + px) + c] = (byte) 255;
    }
    for (boolean flip : new boolean[] {false, true}) {
      CropBox box = new CropBox(20, 60, 64, 64, h, w, flip);
      float[] clip = new float[3 * s * s];
      new CropResizer(box, s).resize(frame, w, clip, 0, s * s);
      float[] c = box.coords();
      // The coordinates place the frame point (px, py) at a fraction of the way from (x1, y1) to
      // (x2, y2); with x1 > x2 after a flip the same formula counts from the right.
      double u = (px / (w - 1.0) - c[0]) / (c[2] - c[0]) * (s - 1);
      double v = (py / (h - 1.0) - c[1]) / (c[3] - c[1]) * (s - 1);
      int[] at = argmax(clip, s);
      assertEquals(u, at[0], 1.0, "x, flip " + flip);
      assertEquals(v, at[1], 1.0, "y, flip " + flip);
    }
  }
}
