package dev.fima.api.random;

import java.util.SplittableRandom;

/**
 * The one seed derivation of FIMA-J: every random choice of a run is a pure function of the run
 * seed and where it is made (purpose, epoch, batch, sample, view, ...), never of which thread made
 * it, in which order, or of generator state, so that a resumed run repeats the uninterrupted one
 * without saving any generator.
 *
 * <p>It holds two derivations, both a SplitMix64 finaliser applied after each value but chained
 * differently: {@link #derive} (the training side: engine seeds, queue initialisation, the seed of
 * each step's augmentation) and {@link #mix} (the data side: sampling order, windows, crops, flips,
 * colour draws, generated videos). They were written apart and mix differently, and every existing
 * run, checkpoint and test depends on the values each gives: merging them into one would change
 * every derived seed, so both are kept, by name, and new code picks the one of its side.
 */
public final class Seeds {

  private Seeds() {}

  /**
   * Derives a seed for the training side: each value is mixed on its own, then XOR-ed into the
   * running hash, which is mixed again.
   *
   * @param seed the run seed
   * @param values what the seed is for and where in the run, e.g. a purpose tag, epoch and step
   * @return the derived seed
   */
  public static long derive(long seed, long... values) {
    long h = scramble(seed ^ 0x9E3779B97F4A7C15L);
    for (long v : values) {
      h = scramble(h ^ scramble(v + 0x632BE59BD9B4E019L));
    }
    return h;
  }

  /**
   * Derives a seed for the data side: each coordinate is mixed on its own, then added to the
   * running hash with the golden-ratio increment, which is mixed again.
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
   * Returns a random source for a path of integers on the data side ({@link #mix}).
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

  /** The SplitMix64 finaliser. */
  private static long scramble(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
