package dev.fima.djl.train;

/**
 * Derives independent seeds from a run seed and a position, so that every random choice of a run is
 * a pure function of (seed, what, epoch, step) and a resumed run repeats the uninterrupted one
 * without saving any generator state.
 */
public final class Seeds {

  private Seeds() {}

  /**
   * Mixes a seed with any number of values into a new, well-spread seed (SplitMix64 finaliser
   * applied after each value).
   *
   * @param seed the run seed
   * @param values what the seed is for and where in the run, e.g. a purpose tag, epoch and step
   * @return the derived seed
   */
  public static long derive(long seed, long... values) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    for (long v : values) {
      h = mix(h ^ mix(v + 0x632BE59BD9B4E019L));
    }
    return h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
