package dev.fima.eval.probe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.fima.eval.metrics.ClassificationMetrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SoftmaxRegressionTest {

  /** Four Gaussian classes in 8-D whose means differ along a few axes, plus noise axes. */
  private static float[][] blobs(int perClass, long seed, int[] labelsOut) {
    Random r = new Random(seed);
    float[][] x = new float[4 * perClass][8];
    for (int i = 0; i < x.length; i++) {
      int c = i % 4;
      labelsOut[i] = c;
      for (int j = 0; j < 8; j++) {
        x[i][j] = (float) r.nextGaussian();
      }
      x[i][c] += 3; // class c is shifted along axis c
    }
    return x;
  }

  @Test
  void separableFeaturesAreLearnedFarAboveChance() {
    int[] yTrain = new int[200];
    int[] yTest = new int[100];
    float[][] train = blobs(50, 1, yTrain);
    float[][] test = blobs(25, 2, yTest);
    try (NDManager m = NDManager.newBaseManager()) {
      Standardizer std = Standardizer.fit(train);
      SoftmaxRegression.Model model =
          SoftmaxRegression.fit(
              m, std.apply(train), yTrain, 4, new SoftmaxRegression.Settings(0.1, 1e-4, 30, 32, 3));
      float[][] logits = model.logits(m, std.apply(test));
      double top1 = ClassificationMetrics.compute(logits, yTest, 4, 1).top1();
      // Bayes accuracy of these blobs is about 0.93; chance is 0.25.
      assertTrue(top1 > 0.8, "top-1 " + top1);
      assertTrue(model.finalLoss() < 0.5, "loss " + model.finalLoss());
    }
  }

  @Test
  void sameSeedGivesTheSameClassifier() {
    int[] y = new int[40];
    float[][] x = blobs(10, 5, y);
    try (NDManager m = NDManager.newBaseManager()) {
      SoftmaxRegression.Settings s = new SoftmaxRegression.Settings(0.5, 0, 5, 8, 11);
      SoftmaxRegression.Model a = SoftmaxRegression.fit(m, x, y, 4, s);
      SoftmaxRegression.Model b = SoftmaxRegression.fit(m, x, y, 4, s);
      assertArrayEquals(a.weight(), b.weight());
      assertEquals(4 * 8, a.weight().length);
    }
  }

  @Test
  void oneFullBatchStepFromZeroMatchesTheClosedFormGradient() {
    // From W = 0 every class has probability 1/K, so the gradient of the mean cross-entropy is
    // dW[k] = mean_i (1/K - [y_i = k]) x_i and db[k] = mean_i (1/K - [y_i = k]). With momentum the
    // first SGD step is plain: W1 = -lr * dW (the cosine rate at step 0 is the base rate).
    float[][] x = {{1, 2}, {3, -1}, {0, 1}};
    int[] y = {0, 1, 1};
    double lr = 0.3;
    try (NDManager m = NDManager.newBaseManager()) {
      SoftmaxRegression.Model model =
          SoftmaxRegression.fit(m, x, y, 2, new SoftmaxRegression.Settings(lr, 0, 1, 3, 0));
      float[] expectedW = new float[4];
      float[] expectedB = new float[2];
      for (int k = 0; k < 2; k++) {
        for (int i = 0; i < 3; i++) {
          double g = 0.5 - (y[i] == k ? 1 : 0);
          expectedB[k] += (float) (-lr * g / 3);
          for (int j = 0; j < 2; j++) {
            expectedW[k * 2 + j] += (float) (-lr * g * x[i][j] / 3);
          }
        }
      }
      assertArrayEquals(expectedW, model.weight(), 1e-6f);
      assertArrayEquals(expectedB, model.bias(), 1e-6f);
      assertEquals(Math.log(2), model.finalLoss(), 1e-6, "loss at W = 0 is log K");
    }
  }
}
