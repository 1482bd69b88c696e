package dev.fima.djl.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.fima.api.config.LocalNegatives;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalMotionContrastLossTest {

  /**
   * One-dimensional embeddings make every logit a product of two numbers, so each column of the
   * logits shows which key it came from. B = 2 videos, T' = 2 slices, temperature 1.
   */
  private static List<NDArray> sets(NDManager m) {
    return List.of(
        column(m, 1, 2), // l_n^0: video 0 -> 1, video 1 -> 2
        column(m, 3, 4), // l_n^1
        column(m, 5, 6), // l_m^0
        column(m, 7, 8)); // l_m^1
  }

  private static NDArray column(NDManager m, double... values) {
    return m.create(values, new Shape(values.length, 1));
  }

  private static double[][] logits(LocalNegatives negatives) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray prediction = column(m, 1, 10); // p_n^0, rows scale the columns by 1 and 10
      NDArray queue = column(m, 9);
      NDArray l = new LocalMotionContrastLoss(1.0, negatives).logits(prediction, sets(m), 0, queue);
      int cols = (int) l.getShape().get(1);
      double[] flat = l.toDoubleArray();
      double[][] rows = new double[2][cols];
      for (int r = 0; r < 2; r++) {
        System.arraycopy(flat, r * cols, rows[r], 0, cols);
      }
      return rows;
    }
  }

  @Test
  void referenceNegativesAreTheOtherThreeSetsWholly() {
    // [B, 1 + 3B + K] = [2, 8]: positive l_n^0[i], then all of l_n^1, l_m^0, l_m^1, then the queue.
    double[][] l = logits(LocalNegatives.REFERENCE);
    assertArrayEquals(new double[] {1, 3, 4, 5, 6, 7, 8, 9}, l[0], 1e-12);
    assertArrayEquals(new double[] {20, 30, 40, 50, 60, 70, 80, 90}, l[1], 1e-12);
  }

  @Test
  void allInBatchAddsOtherVideosOfThePositiveSet() {
    // [B, 1 + (4B - 1) + K]: the positive set's other row joins (video 1's l_n^0 = 2 for row 0).
    double[][] l = logits(LocalNegatives.ALL_IN_BATCH);
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, l[0], 1e-12);
    assertArrayEquals(new double[] {20, 10, 30, 40, 50, 60, 70, 80, 90}, l[1], 1e-12);
  }

  @Test
  void otherVideosDropsTheQueryVideosOwnClips() {
    // [B, 1 + 4(B - 1) + K]: row 0 (video 0) keeps only video 1's keys 2, 4, 6, 8.
    double[][] l = logits(LocalNegatives.OTHER_VIDEOS);
    assertArrayEquals(new double[] {1, 2, 4, 6, 8, 9}, l[0], 1e-12);
    assertArrayEquals(new double[] {20, 10, 30, 50, 70, 90}, l[1], 1e-12);
  }

  @Test
  void lossIsTheMeanOfTheFourTermsWithKnownLogits() {
    try (NDManager m = NDManager.newBaseManager()) {
      // Unit embeddings in 2-D: predictions equal their positives, so each positive logit is 1/T.
      NDArray a = m.create(new double[] {1, 0, 0, 1}, new Shape(2, 2)); // video 0 -> e1, 1 -> e2
      NDArray b = m.create(new double[] {0, 1, 1, 0}, new Shape(2, 2)); // video 0 -> e2, 1 -> e1
      List<NDArray> keysN = List.of(a, b);
      List<NDArray> keysM = List.of(a, b);
      NDArray queue = m.create(new double[] {0, 0}, new Shape(1, 2));
      LocalMotionContrastLoss.Result r =
          new LocalMotionContrastLoss(1.0, LocalNegatives.REFERENCE)
              .compute(keysN, keysM, keysN, keysM, queue);
      // For p = l_n^0 row 0 (e1): positive 1; negatives l_n^1 = [e2, e1] -> 0, 1; l_m^0 = [e1, e2]
      // -> 1, 0; l_m^1 -> 0, 1; queue -> 0. Logits [1 | 0 1 1 0 0 1 | 0]: three 1s and four 0s
      // besides the positive. By symmetry every row of every term has the same logits.
      double term = Math.log(4 * Math.E + 4) - 1;
      assertEquals(term, r.loss().getDouble(), 1e-12);
      // The positive ties with three negatives; argmax picks the first maximum, column 0.
      assertEquals(1f, r.accuracy().getFloat(), 0f);
      NDList packed = new NDList();
      packed.addAll(keysN);
      packed.addAll(keysM);
      packed.addAll(keysN);
      packed.addAll(keysM);
      packed.add(queue);
      assertEquals(
          term,
          new LocalMotionContrastLoss(1.0, LocalNegatives.REFERENCE)
              .evaluate(new NDList(), packed)
              .getDouble(),
          1e-12);
    }
  }

  @Test
  void theChanceValueIsTheLogOfTheCandidatesAndAZeroPredictionReachesIt() {
    // B = 3, T' = 2, K = 5 queue keys: REFERENCE 1 + 3B + K = 15, ALL_IN_BATCH 1 + (4B - 1) + K =
    // 17, OTHER_VIDEOS 1 + 4(B - 1) + K = 14 candidates per prediction.
    int[] expected = {15, 17, 14};
    LocalNegatives[] all = {
      LocalNegatives.REFERENCE, LocalNegatives.ALL_IN_BATCH, LocalNegatives.OTHER_VIDEOS
    };
    for (int i = 0; i < all.length; i++) {
      try (NDManager m = NDManager.newBaseManager()) {
        Random random = new Random(3);
        List<NDArray> keys = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
          keys.add(InstanceContrastLossTest.random(m, random, 3, 2));
        }
        NDArray queue = InstanceContrastLossTest.random(m, random, 5, 2);
        NDArray zero = m.zeros(new Shape(3, 2), keys.get(0).getDataType());
        LocalMotionContrastLoss.Result r =
            new LocalMotionContrastLoss(0.1, all[i])
                .compute(
                    List.of(zero, zero),
                    List.of(zero, zero),
                    keys.subList(0, 2),
                    keys.subList(2, 4),
                    queue);
        assertEquals(expected[i], r.candidates(), all[i].toString());
        assertEquals(Math.log(expected[i]), r.chance(), 1e-12);
        // Equal logits: the cross-entropy is exactly the chance value.
        assertEquals(r.chance(), r.loss().getDouble(), 1e-6, all[i].toString());
      }
    }
  }

  @Test
  void gradientsMatchFiniteDifferencesForEveryNegativeSet() {
    for (LocalNegatives negatives : LocalNegatives.values()) {
      try (NDManager m = NDManager.newBaseManager()) {
        Random random = new Random(5);
        List<NDArray> inputs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          inputs.add(InstanceContrastLossTest.random(m, random, 3, 2));
        }
        inputs.add(InstanceContrastLossTest.random(m, random, 4, 2));
        LocalMotionContrastLoss loss = new LocalMotionContrastLoss(0.5, negatives);
        GradientCheck.assertMatches(
            m,
            inputs,
            4,
            x ->
                loss.compute(
                        x.subList(0, 2),
                        x.subList(2, 4),
                        x.subList(4, 6),
                        x.subList(6, 8),
                        x.get(8))
                    .loss(),
            1e-6);
      }
    }
  }
}
