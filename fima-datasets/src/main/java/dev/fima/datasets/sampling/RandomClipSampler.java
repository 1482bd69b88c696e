package dev.fima.datasets.sampling;

import java.util.random.RandomGenerator;

/**
 * The supervised training sampler (section 8): one uniformly random window per video per epoch. A
 * video shorter than one window has a single window at frame 0 whose missing frames repeat the last
 * frame (see the loaders), instead of being skipped silently as in the reference.
 */
public final class RandomClipSampler {

  private RandomClipSampler() {}

  /**
   * Draws a window index.
   *
   * @param windows number of full windows of the video (0 for a video shorter than one window)
   * @param random the sample's random source
   * @return the window index, 0 when there is at most one window
   */
  public static int sample(int windows, RandomGenerator random) {
    return windows <= 1 ? 0 : random.nextInt(windows);
  }
}
