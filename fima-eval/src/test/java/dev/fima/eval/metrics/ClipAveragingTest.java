package dev.fima.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.Averaging;
import org.junit.jupiter.api.Test;

class ClipAveragingTest {

  /**
   * One video, three views, two classes: logits (0,1), (0,1), (3,0). Mean logits (1, 2/3) favour
   * class 0; mean probabilities favour class 1, because the confident third view cannot outvote two
   * moderate ones once squashed to [0, 1].
   */
  @Test
  void probabilityAndLogitAveragingDifferAsComputedByHand() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray logits = m.create(new float[] {0, 1, 0, 1, 3, 0}, new Shape(1, 3, 2));
      float[] byLogits = ClipAveraging.combine(logits, Averaging.LOGITS).toFloatArray();
      assertArrayEquals(new float[] {1f, 2f / 3}, byLogits, 1e-6f);

      double s1 = 1 / (1 + Math.exp(1)); // softmax(0,1)[0]
      double s3 = 1 / (1 + Math.exp(-3)); // softmax(3,0)[0]
      double p0 = (2 * s1 + s3) / 3;
      float[] byProbs = ClipAveraging.combine(logits, Averaging.PROBABILITIES).toFloatArray();
      assertArrayEquals(new float[] {(float) p0, (float) (1 - p0)}, byProbs, 1e-6f);
      assertEquals(0, ClassificationMetrics.argMax(byLogits));
      assertEquals(1, ClassificationMetrics.argMax(byProbs));
    }
  }

  @Test
  void videosAreAveragedIndependently() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Two videos, two views each, three classes.
      NDArray logits =
          m.create(new float[] {1, 2, 3, 3, 2, 1, 0, 0, 6, 0, 0, 0}, new Shape(2, 2, 3));
      NDArray mean = ClipAveraging.combine(logits, Averaging.LOGITS);
      assertEquals(new Shape(2, 3), mean.getShape());
      assertArrayEquals(new float[] {2, 2, 2, 0, 0, 3}, mean.toFloatArray(), 1e-6f);
      NDArray probs = ClipAveraging.combine(logits, Averaging.PROBABILITIES);
      float[] p = probs.toFloatArray();
      assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
      assertEquals(1.0, p[3] + p[4] + p[5], 1e-6);
      // Views (1,2,3) and (3,2,1) are mirror images: their mean is symmetric.
      assertEquals(p[0], p[2], 1e-6);
    }
  }
}
