package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class ContrastMathTest {

  @Test
  void logSumExpIsStableForLargeValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1000, 1000, 0, 1000}).reshape(2, 2);
      float[] lse = ContrastMath.logSumExp(x, 1).toFloatArray();
      assertArrayEquals(new float[] {1000 + (float) Math.log(2), 1000}, lse, 1e-3f);
    }
  }
}
