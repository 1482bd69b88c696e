package dev.fima.datasets.sampling;

import java.util.SplittableRandom;

/**
 * Derives independent random streams from a run seed and a path of integers (epoch, sample, view,
 * ...), so that every random choice of the data pipeline is a pure function of where it is made and
 * never of which thread made it or in which order.
 */
public final class Seeds {

  private Seeds() {}

  /**
   * Mixes a seed with a path of integers (SplitMix64 finaliser after each step).
   *
   * @param seed the run seed
   * @param path the coordinates of the choice
   * @return a well-mixed 64-bit seed
   */
  public static long mix(long seed, long... path) {
    long h = scramble(seed ^ 0x9E3779B97F4A7C15L);
    for (long p : path) {
      h = scramble(h + 0x9E3779B97F4A7C15L + scramble(p));
    }
    return h;
  }

  /**
   * Returns a random source for a path of integers.
   *
   * @param seed the run seed
   * @param path the coordinates of the choice
   * @return an independent stream
   */
  public static SplittableRandom random(long seed, long... path) {
    return new SplittableRandom(mix(seed, path));
  }

  /**
   * Returns a permutation of {@code 0..n-1} drawn from a random source (Fisher-Yates).
   *
   * @param n length
   * @param random the source
   * @return the permutation
   */
  public static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static long scramble(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
