package dev.fima.bench;

import java.util.Arrays;

/** The median the benchmark commands report over their timed repetitions. */
final class Medians {

  private Medians() {}

  /**
   * Returns the median, the mean of the two middle values for an even count.
   *
   * @param values at least one value, in any order (not changed)
   * @return the median
   */
  static double of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
