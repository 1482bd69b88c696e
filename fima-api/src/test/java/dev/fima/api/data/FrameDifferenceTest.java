package dev.fima.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.DiffMode;
import org.junit.jupiter.api.Test;

class FrameDifferenceTest {

  /** One pixel, one channel, four frames with values 0.2, 0.6, 0.4, 1.0. */
  private static NDArray clip(NDManager m) {
    return m.create(new float[] {0.2f, 0.6f, 0.4f, 1.0f}, new Shape(1, 4, 1, 1));
  }

  @Test
  void wrapPairsFirstFrameWithLast() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray d = FrameDifference.compute(clip(m), DiffMode.WRAP);
      assertEquals(new Shape(1, 4, 1, 1), d.getShape());
      // (x_t - x_{t-1} + 1) / 2 with x_{-1} = x_3 = 1.0
      assertArrayEquals(new float[] {0.1f, 0.7f, 0.4f, 0.8f}, d.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void zeroFirstHasNoMotionInFrameZero() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray d = FrameDifference.compute(clip(m), DiffMode.ZERO_FIRST);
      assertArrayEquals(new float[] {0.5f, 0.7f, 0.4f, 0.8f}, d.toFloatArray(), 1e-6f);
    }
  }

  @Test
  void batchedClipsUseTheTimeAxis() {
    try (NDManager m = NDManager.newBaseManager()) {
      // [B=2, C=1, T=3, H=1, W=2]: sample 1 is sample 0 plus a constant, so equal differences.
      NDArray x = m.arange(12f).reshape(2, 1, 3, 1, 2).divi(12);
      NDArray d = FrameDifference.compute(x, DiffMode.ZERO_FIRST);
      assertEquals(x.getShape(), d.getShape());
      float step = (2f / 12f + 1) / 2; // neighbouring frames differ by 2/12
      assertArrayEquals(
          new float[] {0.5f, 0.5f, step, step, step, step, 0.5f, 0.5f, step, step, step, step},
          d.toFloatArray(),
          1e-6f);
    }
  }
}
