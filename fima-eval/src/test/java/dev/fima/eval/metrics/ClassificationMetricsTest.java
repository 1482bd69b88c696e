package dev.fima.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  /**
   * Six videos, six classes. True-class ranks: 0, 1, 5, 0, 2, 4 (worked out by hand from the rows
   * below), so top-1 = 2/6, top-2 = 3/6, top-5 = 5/6.
   */
  private static final float[][] SCORES = {
    {.9f, .1f, 0, 0, 0, 0}, // label 0: rank 0
    {.5f, .3f, .2f, 0, 0, 0}, // label 1: rank 1 (0 is higher)
    {.6f, .1f, .05f, .15f, .08f, .02f}, // label 5: rank 5, lowest score
    {0, 0, .1f, .7f, .2f, 0}, // label 3: rank 0
    {.1f, 0, .4f, 0, .3f, .2f}, // label 5: rank 2 (2 and 4 higher)
    {.3f, .25f, .2f, .15f, .1f, 0} // label 4: rank 4
  };

  private static final int[] LABELS = {0, 1, 5, 3, 5, 4};

  @Test
  void topKFromHandComputedRanks() {
    assertEquals(2 / 6.0, ClassificationMetrics.compute(SCORES, LABELS, 6, 5).top1(), 1e-12);
    assertEquals(3 / 6.0, ClassificationMetrics.compute(SCORES, LABELS, 6, 2).topK(), 1e-12);
    assertEquals(5 / 6.0, ClassificationMetrics.compute(SCORES, LABELS, 6, 5).topK(), 1e-12);
    assertEquals(1.0, ClassificationMetrics.compute(SCORES, LABELS, 6, 6).topK(), 1e-12);
  }

  @Test
  void perClassAccuracyAndConfusion() {
    ClassificationMetrics m = ClassificationMetrics.compute(SCORES, LABELS, 6, 5);
    // Class 0: 1/1; class 1: 0/1 (predicted 0); class 2: no video; class 3: 1/1;
    // class 4: 0/1 (predicted 0); class 5: 0/2 (predicted 0 and 2).
    double[] acc = m.perClassAccuracy();
    assertEquals(1.0, acc[0]);
    assertEquals(0.0, acc[1]);
    assertTrue(Double.isNaN(acc[2]));
    assertEquals(1.0, acc[3]);
    assertEquals(0.0, acc[4]);
    assertEquals(0.0, acc[5]);
    assertArrayEquals(new int[] {1, 1, 0, 1, 1, 2}, m.perClassCount());
    assertEquals(2 / 5.0, m.meanClassAccuracy(), 1e-12, "mean over the 5 classes with videos");
    long[][] c = m.confusion();
    assertEquals(1, c[0][0]);
    assertEquals(1, c[1][0]);
    assertEquals(1, c[3][3]);
    assertEquals(1, c[4][0]);
    assertEquals(1, c[5][0]);
    assertEquals(1, c[5][2]);
    long total = 0;
    for (long[] row : c) {
      for (long v : row) {
        total += v;
      }
    }
    assertEquals(6, total);
  }

  @Test
  void tiesNeverCountInTheModelsFavourByIterationOrder() {
    // All scores equal: the lowest index wins, so only a label-0 video is a top-1 hit.
    float[][] flat = {{1, 1, 1}, {1, 1, 1}};
    ClassificationMetrics m = ClassificationMetrics.compute(flat, new int[] {0, 2}, 3, 2);
    assertEquals(0.5, m.top1());
    assertEquals(0.5, m.topK(), "label 2 has rank 2, outside the top 2");
    assertEquals(1, m.confusion()[2][0]);
  }

  @Test
  void topKIsClampedToTheClassCountAndNamedAccordingly() {
    float[][] s = {{.2f, .8f, 0}, {.1f, .2f, .7f}};
    ClassificationMetrics m = ClassificationMetrics.compute(s, new int[] {0, 0}, 3, 5);
    assertEquals(3, m.k());
    assertEquals(1.0, m.topK());
    Map<String, Double> named = m.asMetrics(5);
    assertEquals(1.0, named.get("top3"));
    assertEquals(0.0, named.get("top1"));
    assertEquals(2.0, named.get("videos"));
  }

  @Test
  void rejectsMismatchedInput() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassificationMetrics.compute(new float[][] {{1, 0}}, new int[] {0, 1}, 2, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassificationMetrics.compute(new float[][] {{1, 0}}, new int[] {2}, 2, 1));
  }
}
