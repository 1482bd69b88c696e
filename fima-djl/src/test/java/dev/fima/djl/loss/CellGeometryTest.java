package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CellGeometryTest {

  private static float[] positives(double[] q, double[] k, double ratio) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray cq =
          m.create(q, new Shape(1, 4)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      NDArray ck =
          m.create(k, new Shape(1, 4)).toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
      return CellGeometry.positives(cq, ck, 2, 2, 2, 2, ratio).toFloatArray();
    }
  }

  @Test
  void identicalCropsPairEachCellWithItselfOnly() {
    // 2x2 grid on (0,0,1,1): centres (.25,.25) (.75,.25) (.25,.75) (.75,.75); bins 0.5, diagonal
    // 0.7071. Neighbours are 0.5 / 0.7071 = 0.707 diagonals apart: just above the 0.7 threshold.
    float[] p = positives(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1}, 0.7);
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}, p);
    // At a ratio of 0.75 the four-neighbours join, diagonal neighbours (1.0 diagonals) do not.
    float[] wide = positives(new double[] {0, 0, 1, 1}, new double[] {0, 0, 1, 1}, 0.75);
    assertArrayEquals(new float[] {1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1}, wide);
  }

  @Test
  void aFlippedKeyViewMirrorsTheColumns() {
    // The flipped key crop (1,0,0,1) has x centres 1 - 0.25 = 0.75 at x = 0 and 0.25 at x = 1.
    float[] p = positives(new double[] {0, 0, 1, 1}, new double[] {1, 0, 0, 1}, 0.7);
    assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0}, p);
  }

  @Test
  void disjointCropsHaveNoPositives() {
    // (0,0,.4,.4) against (.6,.6,1,1): closest centres (.3,.3) and (.7,.7) are 0.566 apart, two
    // diagonals of 0.283.
    float[] p = positives(new double[] {0, 0, 0.4, 0.4}, new double[] {0.6, 0.6, 1, 1}, 0.7);
    assertArrayEquals(new float[16], p);
  }

  @Test
  void theLargerDiagonalSetsTheScale() {
    // Query bins 0.5 (diagonal .7071) against key bins 0.25 (diagonal .3536) on (0,0,.5,.5): key
    // centres (.125,.125) (.375,.125) (.125,.375) (.375,.375). Query cell 0 at (.25,.25) is .1768
    // from each key centre: 0.25 diagonals of the query, so all four key cells are positives.
    float[] p = positives(new double[] {0, 0, 1, 1}, new double[] {0, 0, 0.5, 0.5}, 0.7);
    // Query cell 1 (.75,.25): nearest key centres (.375,.125) .395 -> .56 diagonals, (.375,.375)
    // .395 -> .56; the others .637 -> .90 and .65 -> .92.
    assertArrayEquals(new float[] {1, 1, 1, 1}, java.util.Arrays.copyOfRange(p, 0, 4));
    assertArrayEquals(new float[] {0, 1, 0, 1}, java.util.Arrays.copyOfRange(p, 4, 8));
  }
}
