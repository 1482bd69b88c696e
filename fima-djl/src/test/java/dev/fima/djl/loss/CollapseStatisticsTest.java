package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollapseStatisticsTest {

  private static NDArray rows(NDManager m, int b, float... values) {
    return m.create(values, new Shape(b, values.length / b));
  }

  @Test
  void identicalRowsGiveOneWhateverTheirLength() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray same = rows(m, 3, 0.6f, 0.8f, 0f, 1.2f, 1.6f, 0f, 0.3f, 0.4f, 0f);
      assertEquals(1f, CollapseStatistics.meanPairwiseCosine(same).getFloat(), 1e-6f);
    }
  }

  @Test
  void orthogonalRowsGiveZero() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray orthogonal = rows(m, 3, 2f, 0f, 0f, 0f, 0.5f, 0f, 0f, 0f, -3f);
      assertEquals(0f, CollapseStatistics.meanPairwiseCosine(orthogonal).getFloat(), 1e-6f);
    }
  }

  @Test
  void aHandComputedMixAndTheMeanOverSets() {
    try (NDManager m = NDManager.newBaseManager()) {
      // e1, e2 and (e1 + e2): cosines 0, 1/sqrt 2, 1/sqrt 2 -> mean sqrt(2) / 3.
      NDArray mixed = rows(m, 3, 1f, 0f, 0f, 1f, 1f, 1f);
      float expected = (float) (Math.sqrt(2) / 3);
      assertEquals(expected, CollapseStatistics.meanPairwiseCosine(mixed).getFloat(), 1e-6f);
      // Opposite rows: -1, the least two rows can give.
      NDArray opposite = rows(m, 2, 1f, 2f, -1f, -2f);
      assertEquals(-1f, CollapseStatistics.meanPairwiseCosine(opposite).getFloat(), 1e-6f);
      assertEquals(
          (expected - 1) / 2,
          CollapseStatistics.meanPairwiseCosine(List.of(mixed, opposite)).getFloat(),
          1e-6f);
    }
  }

  @Test
  void oneRowHasNoPairs() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray one = rows(m, 1, 1f, 0f);
      assertThrows(
          IllegalArgumentException.class, () -> CollapseStatistics.meanPairwiseCosine(one));
    }
  }

  @Test
  void markedShareCountsTheOnesOfEveryMask() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, new Shape(2, 2, 2));
      NDArray b = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 2, 2));
      // 4 of 8 and 7 of 8.
      assertEquals(11f / 16, CollapseStatistics.markedShare(List.of(a, b)).getFloat(), 1e-6f);
    }
  }
}
