package dev.fima.eval.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accuracy of video-level class scores: top-1, top-k, per-class accuracy, mean class accuracy and
 * the confusion matrix.
 *
 * <p>Ranks are strict and deterministic: the rank of the true class is the number of classes with a
 * higher score plus the number of classes with an equal score and a lower index, so a tie never
 * counts in the model's favour by accident of iteration order, and the predicted class (used by the
 * confusion matrix) is the lowest-index maximum.
 *
 * <pre>{@code
 * ClassificationMetrics m = ClassificationMetrics.compute(scores, labels, numClasses, 5);
 * double top1 = m.top1();
 * }</pre>
 */
public final class ClassificationMetrics {

  private final int classes;
  private final int k;
  private final int samples;
  private final double top1;
  private final double topK;
  private final int[] perClassCount;
  private final int[] perClassCorrect;
  private final long[][] confusion;

  private ClassificationMetrics(
      int classes,
      int k,
      int samples,
      double top1,
      double topK,
      int[] perClassCount,
      int[] perClassCorrect,
      long[][] confusion) {
    this.classes = classes;
    this.k = k;
    this.samples = samples;
    this.top1 = top1;
    this.topK = topK;
    this.perClassCount = perClassCount;
    this.perClassCorrect = perClassCorrect;
    this.confusion = confusion;
  }

  /**
   * Computes the metrics of one score matrix.
   *
   * @param scores {@code [N][classes]} scores (probabilities or logits; only their order matters)
   * @param labels {@code [N]} true classes
   * @param classes the number of classes
   * @param topK the k of top-k; clamped to {@code classes} (top-5 of a 3-class problem is top-3)
   * @return the metrics
   * @throws IllegalArgumentException when the shapes disagree, a label is out of range or there are
   *     no samples
   */
  public static ClassificationMetrics compute(
      float[][] scores, int[] labels, int classes, int topK) {
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          scores.length + " score rows but " + labels.length + " labels");
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("no samples to score");
    }
    if (topK < 1) {
      throw new IllegalArgumentException("top-k needs k >= 1, got " + topK);
    }
    int k = Math.min(topK, classes);
    int[] count = new int[classes];
    int[] correct = new int[classes];
    long[][] confusion = new long[classes][classes];
    int hits1 = 0;
    int hitsK = 0;
    for (int i = 0; i < scores.length; i++) {
      float[] row = scores[i];
      int label = labels[i];
      if (row.length != classes) {
        throw new IllegalArgumentException(
            "row " + i + " has " + row.length + " scores, expected " + classes);
      }
      if (label < 0 || label >= classes) {
        throw new IllegalArgumentException("label " + label + " of row " + i + " out of range");
      }
      int rank = rankOf(row, label);
      count[label]++;
      if (rank == 0) {
        hits1++;
        correct[label]++;
      }
      if (rank < k) {
        hitsK++;
      }
      confusion[label][argMax(row)]++;
    }
    return new ClassificationMetrics(
        classes,
        k,
        scores.length,
        hits1 / (double) scores.length,
        hitsK / (double) scores.length,
        count,
        correct,
        confusion);
  }

  /**
   * Returns the 0-based rank of a class in a score row, ties broken towards the lower index.
   *
   * @param row the scores
   * @param target the class whose rank is wanted
   * @return how many classes come before it
   */
  static int rankOf(float[] row, int target) {
    float s = row[target];
    int rank = 0;
    for (int c = 0; c < row.length; c++) {
      if (row[c] > s || (row[c] == s && c < target)) {
        rank++;
      }
    }
    return rank;
  }

  /**
   * Returns the lowest index of the largest score.
   *
   * @param row the scores
   * @return the predicted class
   */
  public static int argMax(float[] row) {
    int best = 0;
    for (int c = 1; c < row.length; c++) {
      if (row[c] > row[best]) {
        best = c;
      }
    }
    return best;
  }

  /**
   * Returns the number of classes.
   *
   * @return classes
   */
  public int classes() {
    return classes;
  }

  /**
   * Returns the k actually used for top-k, {@code min(requested, classes)}.
   *
   * @return k
   */
  public int k() {
    return k;
  }

  /**
   * Returns the number of scored samples.
   *
   * @return N
   */
  public int samples() {
    return samples;
  }

  /**
   * Returns the fraction of samples whose highest score is the true class.
   *
   * @return top-1 accuracy in [0, 1]
   */
  public double top1() {
    return top1;
  }

  /**
   * Returns the fraction of samples whose true class is among the k highest scores.
   *
   * @return top-k accuracy in [0, 1]
   */
  public double topK() {
    return topK;
  }

  /**
   * Returns the top-1 accuracy of each class; {@code NaN} for a class without samples.
   *
   * @return per-class accuracy, index = class
   */
  public double[] perClassAccuracy() {
    double[] acc = new double[classes];
    for (int c = 0; c < classes; c++) {
      acc[c] = perClassCount[c] == 0 ? Double.NaN : perClassCorrect[c] / (double) perClassCount[c];
    }
    return acc;
  }

  /**
   * Returns the number of samples of each class.
   *
   * @return per-class sample counts
   */
  public int[] perClassCount() {
    return perClassCount.clone();
  }

  /**
   * Returns the mean of the per-class accuracies over the classes that have samples, so that a
   * class absent from the evaluated videos neither counts as 0 nor as 1.
   *
   * @return mean class accuracy in [0, 1]
   */
  public double meanClassAccuracy() {
    return Arrays.stream(perClassAccuracy()).filter(a -> !Double.isNaN(a)).average().orElseThrow();
  }

  /**
   * Returns the confusion matrix: row = true class, column = predicted class.
   *
   * @return a copy of the counts
   */
  public long[][] confusion() {
    long[][] copy = new long[classes][];
    for (int c = 0; c < classes; c++) {
      copy[c] = confusion[c].clone();
    }
    return copy;
  }

  /**
   * Returns the headline numbers under their report names: {@code top1}, {@code top<k>} (top5
   * unless there are fewer than 5 classes), {@code meanClassAccuracy} and {@code videos}.
   *
   * @param topKRequested the k that was asked for, to name the metric when it was clamped
   * @return the named metrics, in report order
   */
  public Map<String, Double> asMetrics(int topKRequested) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("top1", top1);
    m.put("top" + Math.min(topKRequested, classes), topK);
    m.put("meanClassAccuracy", meanClassAccuracy());
    m.put("videos", (double) samples);
    return m;
  }
}
