package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContrastMathTest {

  /**
   * DJL's {@code x.div(0.1f)} frees the scalar's Java buffer while autograd still holds it: after a
   * garbage collection and new direct allocations, backward reads whatever landed there (measured:
   * 20 of 20 trials gave gradients like -1e25 instead of 10). The scalar of {@link
   * ContrastMath#divide} belongs to the array's manager and survives until after backward.
   */
  @Test
  void scalarOperandsSurviveGarbageCollectionBeforeBackward() throws InterruptedException {
    for (int trial = 0; trial < 3; trial++) {
      try (NDManager m = NDManager.newBaseManager()) {
        NDArray x = m.create(new float[] {1, 2, 3});
        x.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = ContrastMath.multiply(ContrastMath.divide(x, 0.1), 3).sum();
          System.gc();
          Thread.sleep(20);
          List<ByteBuffer> reuse = new ArrayList<>();
          for (int i = 0; i < 2000; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4);
            b.putFloat(0, 1e-7f);
            reuse.add(b);
          }
          gc.backward(y);
          assertEquals(2000, reuse.size());
        }
        assertArrayEquals(new float[] {30, 30, 30}, x.getGradient().toFloatArray(), 1e-4f);
      }
    }
  }

  @Test
  void scalarsKeepTheArraysPrecision() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray single = m.create(1f);
      NDArray twice = m.create(1.0);
      assertEquals(DataType.FLOAT32, ContrastMath.divide(single, 0.1).getDataType());
      assertEquals(DataType.FLOAT64, ContrastMath.divide(twice, 0.1).getDataType());
      // A float divisor would give 1 / 0.1f = 9.99999985...
      assertEquals(10.0, ContrastMath.divide(twice, 0.1).getDouble(), 0.0);
    }
  }

  @Test
  void logSumExpIsStableForLargeValues() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.create(new float[] {1000, 1000, 0, 1000}).reshape(2, 2);
      float[] lse = ContrastMath.logSumExp(x, 1).toFloatArray();
      assertArrayEquals(new float[] {1000 + (float) Math.log(2), 1000}, lse, 1e-3f);
    }
  }
}
