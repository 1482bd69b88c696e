package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DenseMotionContrastLossTest {

  private static final double[] SAME = {0, 0, 1, 1};
  private static final double[] FLIPPED = {1, 0, 0, 1};
  private static final double[] CORNER = {0, 0, 0.4, 0.4};
  private static final double[] FAR_CORNER = {0.6, 0.6, 1, 1};

  /** Maps {@code [N, 2, 2, 2]} whose every cell holds {@code (values[cell], 0)}. */
  private static NDArray keys(NDManager m, int n, double... values) {
    double[] flat = new double[n * 2 * 4];
    for (int i = 0; i < n; i++) {
      for (int cell = 0; cell < 4; cell++) {
        flat[i * 8 + cell] = values[cell]; // channel 0; channel 1 stays 0
      }
    }
    return m.create(flat, new Shape(n, 2, 2, 2));
  }

  /** Predictions {@code (1, 0)} at every cell, so a logit is the key's first channel. */
  private static NDArray unitPredictions(NDManager m, int n) {
    return keys(m, n, 1, 1, 1, 1);
  }

  private static NDArray coords(NDManager m, double[]... rows) {
    double[] flat = new double[rows.length * 4];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, 4 * i, 4);
    }
    return m.create(flat, new Shape(rows.length, 4));
  }

  private static NDArray masks(NDManager m, double[]... rows) {
    double[] flat = new double[rows.length * 4];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, 4 * i, 4);
    }
    return m.create(flat, new Shape(rows.length, 2, 2));
  }

  private static final double[] ALL = {1, 1, 1, 1};
  private static final double[] NONE = {0, 0, 0, 0};
  private static final double[] LEFT_COLUMN = {1, 0, 1, 0};

  @Test
  void handComputedOnATwoByTwoGrid() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Temperature 1. Slice 0 keys have logits ln2, ln3, 0, 0 (exp: 2, 3, 1, 1) in every sample;
      // slice 1 keys have logit 0 (exp 1). Denominator of every cell: 4 samples x (7 + 4) = 44.
      NDArray slice0 = keys(m, 4, Math.log(2), Math.log(3), 0, 0);
      NDArray slice1 = keys(m, 4, 0, 0, 0, 0);
      NDArray coordQ = coords(m, SAME, SAME, CORNER, SAME);
      NDArray coordK = coords(m, SAME, FLIPPED, FAR_CORNER, SAME);
      NDArray maskQ = masks(m, ALL, LEFT_COLUMN, ALL, ALL);
      NDArray maskK = masks(m, ALL, ALL, ALL, NONE);
      DenseMotionContrastLoss.Result r =
          new DenseMotionContrastLoss(1.0, 0.7)
              .compute(
                  unitPredictions(m, 4),
                  List.of(slice0, slice1),
                  0,
                  coordQ,
                  coordK,
                  maskQ,
                  maskK,
                  null);
      // Sample 0, same crops: cell a pairs with key cell a: -log(2/44), -log(3/44), -log(1/44) x2.
      double sample0 = (Math.log(22) + Math.log(44.0 / 3) + 2 * Math.log(44)) / 4;
      // Sample 1, flipped key view, only the left query column is foreground: query cell 0 pairs
      // with key cell 1 (exp 3), query cell 2 with key cell 3 (exp 1).
      double sample1 = (Math.log(44.0 / 3) + Math.log(44)) / 2;
      // Sample 2 (no overlap) and sample 3 (empty key foreground) have no positive: dropped.
      assertEquals((sample0 + sample1) / 2, r.loss().getDouble(), 1e-12); // 3.285567
      assertEquals(2f, r.keptSamples().getFloat(), 0f);
      assertEquals(6f, r.effectiveCells().getFloat(), 0f);
      // One positive per effective cell among 4 samples x 2 slices x 4 cells = 32 candidates.
      assertEquals(Math.log(32), r.chance().getFloat(), 1e-6);
    }
  }

  @Test
  void theChanceValueCountsThePositivesAndEqualSimilaritiesReachIt() {
    try (NDManager m = NDManager.newBaseManager()) {
      // A positive ratio of 10 cell diagonals makes every key cell of the sample a positive:
      // sample 0 has 4 (all key cells foreground), sample 1 has 2 (the left key column).
      // Candidates: 2 samples x 2 slices x 4 cells = 16.
      NDArray slice0 = keys(m, 2, 0.3, -0.2, 0.5, 0.1);
      NDArray slice1 = keys(m, 2, 0.2, 0.4, -0.6, 0);
      NDArray coord = coords(m, SAME, SAME);
      DenseMotionContrastLoss loss = new DenseMotionContrastLoss(0.1, 10);
      DenseMotionContrastLoss.Result r =
          loss.compute(
              unitPredictions(m, 2),
              List.of(slice0, slice1),
              0,
              coord,
              coord,
              masks(m, ALL, ALL),
              masks(m, ALL, LEFT_COLUMN),
              null);
      double chance = (Math.log(16.0 / 4) + Math.log(16.0 / 2)) / 2;
      assertEquals(chance, r.chance().getFloat(), 1e-6);
      DenseMotionContrastLoss.Result equal =
          loss.compute(
              m.zeros(new Shape(2, 2, 2, 2), slice0.getDataType()),
              List.of(slice0, slice1),
              0,
              coord,
              coord,
              masks(m, ALL, ALL),
              masks(m, ALL, LEFT_COLUMN),
              null);
      assertEquals(chance, equal.loss().getDouble(), 1e-6);
      assertEquals(chance, equal.chance().getFloat(), 1e-6);
    }
  }

  @Test
  void theSecondSliceIsThePositiveWhenAsked() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray slice0 = keys(m, 1, Math.log(2), Math.log(3), 0, 0);
      NDArray slice1 = keys(m, 1, 0, Math.log(5), 0, 0);
      NDArray coord = coords(m, SAME);
      NDArray mask = masks(m, ALL);
      NDArray queue = m.create(new double[] {Math.log(4), 0, Math.log(4), 0}, new Shape(2, 2));
      double value =
          new DenseMotionContrastLoss(1.0, 0.7)
              .compute(
                  unitPredictions(m, 1),
                  List.of(slice0, slice1),
                  1,
                  coord,
                  coord,
                  mask,
                  mask,
                  queue)
              .loss()
              .getDouble();
      // Denominator: slice 0 (7) + slice 1 (1 + 5 + 1 + 1 = 8) + queue (4 + 4) = 23. Positives are
      // slice 1's cells: exp 1, 5, 1, 1.
      double expected = (3 * Math.log(23) + Math.log(23.0 / 5)) / 4;
      assertEquals(expected, value, 1e-12);
    }
  }

  @Test
  void anAllDroppedBatchGivesAZeroLossThatStillBackpropagates() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray prediction = unitPredictions(m, 2);
      prediction.setRequiresGradient(true);
      NDArray slice = keys(m, 2, 1, 2, 3, 4);
      NDArray value;
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        value =
            new DenseMotionContrastLoss(0.1, 0.7)
                .compute(
                    prediction,
                    List.of(slice, slice),
                    0,
                    coords(m, CORNER, SAME),
                    coords(m, FAR_CORNER, SAME),
                    masks(m, ALL, ALL),
                    masks(m, ALL, NONE),
                    null)
                .loss();
        gc.backward(value);
      }
      assertEquals(0.0, value.getDouble(), 0.0);
      assertArrayEquals(new double[16], prediction.getGradient().toDoubleArray(), 0.0);
    }
  }

  @Test
  void staysFiniteWhereAPlainExponentialOverflows() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Unit vectors at temperature 0.01 give logits of 100: exp(100) > Float.MAX_VALUE.
      NDArray slice0 = keys(m, 1, 1, 0.5, 0.5, 0.5);
      NDArray slice1 = keys(m, 1, 0.5, 0.5, 0.5, 0.5);
      NDArray coord = coords(m, SAME);
      NDArray mask = masks(m, ALL);
      DenseMotionContrastLoss loss = new DenseMotionContrastLoss(0.01, 0.7);
      double exact =
          loss.compute(
                  unitPredictions(m, 1), List.of(slice0, slice1), 0, coord, coord, mask, mask, null)
              .loss()
              .getDouble();
      float single =
          loss.compute(
                  unitPredictions(m, 1).toType(DataType.FLOAT32, false),
                  List.of(
                      slice0.toType(DataType.FLOAT32, false),
                      slice1.toType(DataType.FLOAT32, false)),
                  0,
                  coord.toType(DataType.FLOAT32, false),
                  coord.toType(DataType.FLOAT32, false),
                  mask,
                  mask,
                  null)
              .loss()
              .getFloat();
      // Cell 0: logit 100 against 100 + 7 x 50: -log(1 / (1 + 7 e^-50)) ~ 0; cells 1-3: logit 50
      // against the same denominator: log(e^100 + 7 e^50) - 50 ~ 50.
      assertEquals(0.75 * 50, exact, 1e-9);
      assertEquals(exact, single, 1e-4);
    }
  }

  @Test
  void matchesAStraightforwardLoopImplementation() {
    Random random = new Random(17);
    for (int trial = 0; trial < 4; trial++) {
      int n = 3;
      int d = 3;
      int h = 2;
      int w = 3;
      int slices = 2;
      double temperature = 0.3;
      try (NDManager m = NDManager.newBaseManager()) {
        double[] pred = gaussians(random, n * d * h * w);
        List<double[]> keys = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
          keys.add(gaussians(random, n * d * h * w));
        }
        double[] queue = gaussians(random, 4 * d);
        double[] cq = new double[n * 4];
        double[] ck = new double[n * 4];
        double[] mq = new double[n * h * w];
        double[] mk = new double[n * h * w];
        for (int i = 0; i < n; i++) {
          randomCrop(random, cq, i);
          randomCrop(random, ck, i);
        }
        for (int c = 0; c < mq.length; c++) {
          mq[c] = random.nextDouble() < 0.7 ? 1 : 0;
          mk[c] = random.nextDouble() < 0.7 ? 1 : 0;
        }
        List<NDArray> keyArrays = new ArrayList<>();
        for (double[] k : keys) {
          keyArrays.add(m.create(k, new Shape(n, d, h, w)));
        }
        int slice = trial % slices;
        double actual =
            new DenseMotionContrastLoss(temperature, 0.7)
                .compute(
                    m.create(pred, new Shape(n, d, h, w)),
                    keyArrays,
                    slice,
                    m.create(cq, new Shape(n, 4)),
                    m.create(ck, new Shape(n, 4)),
                    m.create(mq, new Shape(n, h, w)),
                    m.create(mk, new Shape(n, h, w)),
                    m.create(queue, new Shape(4, d)))
                .loss()
                .getDouble();
        double expected =
            reference(pred, keys, slice, queue, cq, ck, mq, mk, n, d, h, w, temperature, 0.7);
        assertEquals(expected, actual, 1e-9, "trial " + trial);
      }
    }
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      Random random = new Random(23);
      int n = 2;
      List<NDArray> inputs = new ArrayList<>();
      inputs.add(m.create(gaussians(random, n * 3 * 4), new Shape(n, 3, 2, 2)));
      inputs.add(m.create(gaussians(random, n * 3 * 4), new Shape(n, 3, 2, 2)));
      inputs.add(m.create(gaussians(random, n * 3 * 4), new Shape(n, 3, 2, 2)));
      NDArray coordQ = coords(m, SAME, SAME);
      NDArray coordK = coords(m, SAME, FLIPPED);
      NDArray mask = masks(m, ALL, LEFT_COLUMN);
      NDArray queue = m.create(gaussians(random, 6), new Shape(2, 3));
      DenseMotionContrastLoss loss = new DenseMotionContrastLoss(0.5, 0.7);
      GradientCheck.assertMatches(
          m,
          inputs,
          2,
          x ->
              loss.compute(
                      x.get(0),
                      List.of(x.get(1), x.get(2)),
                      0,
                      coordQ,
                      coordK,
                      mask,
                      masks(m, ALL, ALL),
                      queue)
                  .loss(),
          1e-6);
    }
  }

  @Test
  void djlEntryPointTakesTheSliceAsAScalar() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray slice0 = keys(m, 1, Math.log(2), Math.log(3), 0, 0);
      NDArray slice1 = keys(m, 1, 0, 0, 0, 0);
      NDArray coord = coords(m, SAME);
      NDArray mask = masks(m, ALL);
      double value =
          new DenseMotionContrastLoss(1.0, 0.7)
              .evaluate(
                  new NDList(),
                  new NDList(
                      unitPredictions(m, 1), coord, coord, mask, mask, m.create(0), slice0, slice1))
              .getDouble();
      // One sample: denominator 7 + 4 = 11.
      double expected = (Math.log(11.0 / 2) + Math.log(11.0 / 3) + 2 * Math.log(11)) / 4;
      assertEquals(expected, value, 1e-12);
    }
  }

  private static double[] gaussians(Random random, int count) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = random.nextGaussian();
    }
    return v;
  }

  private static void randomCrop(Random random, double[] coords, int i) {
    double x1 = random.nextDouble() * 0.5;
    double y1 = random.nextDouble() * 0.5;
    double x2 = x1 + 0.3 + random.nextDouble() * 0.2;
    double y2 = y1 + 0.3 + random.nextDouble() * 0.2;
    boolean flip = random.nextBoolean();
    coords[4 * i] = flip ? x2 : x1;
    coords[4 * i + 1] = y1;
    coords[4 * i + 2] = flip ? x1 : x2;
    coords[4 * i + 3] = y2;
  }

  /** Section 4(c) written out with loops, for comparison. */
  private static double reference(
      double[] pred,
      List<double[]> keys,
      int slice,
      double[] queue,
      double[] cq,
      double[] ck,
      double[] mq,
      double[] mk,
      int n,
      int d,
      int h,
      int w,
      double temperature,
      double ratio) {
    int cells = h * w;
    double sum = 0;
    int kept = 0;
    for (int i = 0; i < n; i++) {
      double costs = 0;
      int effective = 0;
      for (int a = 0; a < cells; a++) {
        double denominator = 0;
        for (double[] k : keys) {
          for (int j = 0; j < n; j++) {
            for (int b = 0; b < cells; b++) {
              denominator += Math.exp(dot(pred, i, a, k, j, b, d, cells) / temperature);
            }
          }
        }
        for (int q = 0; q < queue.length / d; q++) {
          double dot = 0;
          for (int c = 0; c < d; c++) {
            dot += pred[(i * d + c) * cells + a] * queue[q * d + c];
          }
          denominator += Math.exp(dot / temperature);
        }
        double numerator = 0;
        for (int b = 0; b < cells; b++) {
          if (isPair(cq, ck, i, a, b, h, w, ratio)
              && mq[i * cells + a] > 0
              && mk[i * cells + b] > 0) {
            numerator += Math.exp(dot(pred, i, a, keys.get(slice), i, b, d, cells) / temperature);
          }
        }
        if (numerator > 0) {
          costs += -Math.log(numerator / denominator);
          effective++;
        }
      }
      if (effective > 0) {
        sum += costs / effective;
        kept++;
      }
    }
    return kept == 0 ? 0 : sum / kept;
  }

  private static double dot(double[] p, int i, int a, double[] k, int j, int b, int d, int cells) {
    double s = 0;
    for (int c = 0; c < d; c++) {
      s += p[(i * d + c) * cells + a] * k[(j * d + c) * cells + b];
    }
    return s;
  }

  private static boolean isPair(
      double[] cq, double[] ck, int i, int a, int b, int h, int w, double ratio) {
    double[] q = centre(cq, i, a, h, w);
    double[] k = centre(ck, i, b, h, w);
    double diagonal = Math.max(q[2], k[2]);
    return Math.hypot(q[0] - k[0], q[1] - k[1]) / diagonal < ratio;
  }

  private static double[] centre(double[] c, int i, int cell, int h, int w) {
    double bw = (c[4 * i + 2] - c[4 * i]) / w;
    double bh = (c[4 * i + 3] - c[4 * i + 1]) / h;
    int x = cell % w;
    int y = cell / w;
    return new double[] {
      c[4 * i] + (x + 0.5) * bw, c[4 * i + 1] + (y + 0.5) * bh, Math.hypot(bw, bh)
    };
  }
}
