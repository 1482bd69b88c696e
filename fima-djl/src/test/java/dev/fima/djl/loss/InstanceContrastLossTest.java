package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class InstanceContrastLossTest {

  private static NDArray rows(NDManager m, double[][] values) {
    double[] flat = new double[values.length * values[0].length];
    for (int r = 0; r < values.length; r++) {
      System.arraycopy(values[r], 0, flat, r * values[0].length, values[0].length);
    }
    return m.create(flat, new Shape(values.length, values[0].length));
  }

  @Test
  void infoNceWithKnownPositive() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray qM = rows(m, new double[][] {{1, 0}});
      NDArray kN = rows(m, new double[][] {{1, 0}});
      NDArray qN = rows(m, new double[][] {{0, 1}});
      NDArray kM = rows(m, new double[][] {{0, 1}});
      NDArray queue = rows(m, new double[][] {{0, 1}, {-1, 0}});
      InstanceContrastLoss loss = new InstanceContrastLoss(1.0);
      InstanceContrastLoss.Result r = loss.compute(qM, qN, kM, kN, queue, queue);
      // First half: logits [q_m.k_n, q_m.Q] = [1, 0, -1]: CE = log(e + 1 + 1/e) - 1.
      double first = Math.log(Math.E + 1 + 1 / Math.E) - 1; // 0.407606
      // Second half: [q_n.k_m, q_n.Q] = [1, 1, 0]: CE = log(2e + 1) - 1.
      double second = Math.log(2 * Math.E + 1) - 1; // 0.861995
      assertEquals((first + second) / 2, r.loss().getDouble(), 1e-12);
      // Averaged logits [1, 0.5, -0.5]: the positive wins.
      assertEquals(1f, r.accuracy().getFloat(), 0f);
      // The same through DJL's Loss entry point.
      assertEquals(
          (first + second) / 2,
          loss.evaluate(new NDList(), new NDList(qM, qN, kM, kN, queue)).getDouble(),
          1e-12);
    }
  }

  @Test
  void temperatureDividesEveryLogit() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray q = rows(m, new double[][] {{1, 0}, {0, 1}});
      NDArray k = rows(m, new double[][] {{0.6, 0.8}, {0.8, 0.6}});
      NDArray queue = rows(m, new double[][] {{1, 0}});
      InstanceContrastLoss.Result r =
          new InstanceContrastLoss(0.1).compute(q, q, k, k, queue, queue);
      // Row 0: logits [0.6, 1] / 0.1 = [6, 10]; row 1: [6, 0]. Both halves are identical.
      double row0 = Math.log(Math.exp(6) + Math.exp(10)) - 6;
      double row1 = Math.log(Math.exp(6) + Math.exp(0)) - 6;
      assertEquals((row0 + row1) / 2, r.loss().getDouble(), 1e-12);
      // Row 0's positive loses to the queue, row 1's wins.
      assertEquals(0.5f, r.accuracy().getFloat(), 0f);
    }
  }

  @Test
  void secondNegativesFeedOnlyTheSecondHalf() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray qM = rows(m, new double[][] {{1, 0}});
      NDArray qN = rows(m, new double[][] {{0, 1}});
      NDArray queue = rows(m, new double[][] {{0, 0}});
      NDArray leaked = rows(m, new double[][] {{0, 1}});
      InstanceContrastLoss loss = new InstanceContrastLoss(1.0);
      // k_n = (1, 0) is q_m's positive and k_m = (0, 1) is q_n's.
      double clean = loss.compute(qM, qN, qN, qM, queue, queue).loss().getDouble();
      double leaky = loss.compute(qM, qN, qN, qM, queue, leaked).loss().getDouble();
      // Clean: both halves [1, 0]. Leaky second half: [1, 1] (the leaked key equals the positive).
      double half = Math.log(Math.E + 1) - 1;
      assertEquals(half, clean, 1e-12);
      assertEquals((half + Math.log(2)) / 2, leaky, 1e-12);
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random random = new Random(3);
      List<NDArray> inputs =
          List.of(
              random(m, random, 3, 4),
              random(m, random, 3, 4),
              random(m, random, 3, 4),
              random(m, random, 3, 4),
              random(m, random, 5, 4));
      InstanceContrastLoss loss = new InstanceContrastLoss(0.5);
      GradientCheck.assertMatches(
          m,
          inputs,
          2,
          a -> loss.compute(a.get(0), a.get(1), a.get(2), a.get(3), a.get(4), a.get(4)).loss(),
          1e-6);
    }
  }

  @Test
  void rejectsAWrongArgumentCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.zeros(new Shape(1, 2));
      assertThrows(
          IllegalArgumentException.class,
          () -> new InstanceContrastLoss(0.1).evaluate(new NDList(), new NDList(x, x, x)));
    }
  }

  static NDArray random(NDManager m, Random random, int rows, int cols) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian() * 0.5;
    }
    return m.create(v, new Shape(rows, cols));
  }
}
