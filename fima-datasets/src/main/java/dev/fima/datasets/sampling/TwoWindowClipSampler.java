package dev.fima.datasets.sampling;

import java.util.random.RandomGenerator;

/**
 * The pretraining sampler (section 1.1): two distinct random windows of one video, m and n. A video
 * with a single window yields it twice (two crops of the same frames), as the reference does; a
 * video with no window never reaches the sampler, because the clip index quarantines it (the
 * reference instead points at the next video's window, bug 8 of section 10.2).
 */
public final class TwoWindowClipSampler {

  private TwoWindowClipSampler() {}

  /**
   * Draws the window indices of m and n.
   *
   * @param windows number of windows of the video, at least 1
   * @param random the sample's random source
   * @return {@code {m, n}}, distinct when {@code windows >= 2}
   */
  public static int[] sample(int windows, RandomGenerator random) {
    if (windows < 1) {
      throw new IllegalArgumentException("a video needs at least one window, got " + windows);
    }
    if (windows == 1) {
      return new int[] {0, 0};
    }
    int m = random.nextInt(windows);
    int n = random.nextInt(windows - 1);
    return new int[] {m, n >= m ? n + 1 : n};
  }
}
