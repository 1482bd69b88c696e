package dev.fima.djl.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ForegroundSamplerTest {

  /**
   * A 3x3 activation map (one sample, one channel, one slice) whose cells are a permutation of
   * 0..8: the lower median of nine values is 4, so exactly the cells holding 5, 6, 7, 8 are
   * foreground. The frame-difference map adds a constant, which moves no cell across the median.
   */
  @Test
  void medianMaskSelectsExactlyTheCellsAboveTheMedian() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] cells = {3, 8, 0, 5, 4, 1, 7, 2, 6};
      NDArray rgb = m.create(cells, new Shape(1, 1, 1, 3, 3));
      NDArray diff = m.full(new Shape(1, 1, 1, 3, 3), 10f);
      NDArray mask = ForegroundSampler.median(rgb, diff);
      assertEquals(new Shape(1, 3, 3), mask.getShape());
      assertArrayEquals(new float[] {0, 1, 0, 1, 0, 0, 1, 0, 1}, mask.toFloatArray());
    }
  }

  /**
   * Activation is the mean over channels and time of each map, then their sum. Two channels and two
   * slices whose means give the map 0..15 on a 4x4 grid (16 cells: the lower median is 7, so 8
   * cells, 8..15, are foreground), and a second sample reversed.
   */
  @Test
  void activationAveragesChannelsAndTimeAndSumsBothMaps() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray ramp = m.arange(16f).reshape(1, 1, 1, 4, 4);
      // channel 0 = ramp + 1, channel 1 = ramp - 1; slice 1 = slice 0 + 2, slice 0 - 2 in diff
      NDArray rgbSample = ramp.add(1).concat(ramp.sub(1), 1); // [1, 2, 1, 4, 4], mean = ramp
      NDArray rgbOne = rgbSample.concat(rgbSample, 2); // two equal slices
      NDArray diffOne =
          m.full(new Shape(1, 2, 1, 4, 4), 2f).concat(m.full(new Shape(1, 2, 1, 4, 4), -2f), 2);
      NDArray rgb = rgbOne.concat(rgbOne.mul(-1), 0);
      NDArray diff = diffOne.concat(diffOne, 0);
      NDArray mask = ForegroundSampler.median(rgb, diff);
      float[] expected = new float[32];
      for (int i = 0; i < 16; i++) {
        expected[i] = i > 7 ? 1 : 0; // sample 0: ramp
        expected[16 + i] = i < 8 ? 1 : 0; // sample 1: negated ramp, -7 is its lower median
      }
      assertArrayEquals(expected, mask.toFloatArray());
    }
  }

  /** Pixel motion summed per 2x2 cell of a 4x4 image; the top half (2 of 4 cells) is marked. */
  @Test
  void topKMotionMarksTheCellsWithMostMotion() {
    try (NDManager m = NDManager.newBaseManager()) {
      float[] pixels = {
        1, 1, 0, 0,
        1, 1, 0, 9,
        5, 0, 0, 0,
        0, 0, 0, 1
      };
      // cell sums: top-left 4, top-right 9, bottom-left 5, bottom-right 1
      NDArray motion = m.create(pixels, new Shape(1, 4, 4));
      NDArray mask = ForegroundSampler.topKMotion(motion, 2, 2, 0.5);
      assertArrayEquals(new float[] {0, 1, 1, 0}, mask.toFloatArray());
    }
  }

  @Test
  void allCountsEveryCell() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray mask = ForegroundSampler.all(m.zeros(new Shape(1)), 2, 3, 5);
      assertEquals(new Shape(2, 3, 5), mask.getShape());
      assertEquals(30f, mask.sum().getFloat());
    }
  }
}
