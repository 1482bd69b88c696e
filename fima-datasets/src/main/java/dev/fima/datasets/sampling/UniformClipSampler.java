package dev.fima.datasets.sampling;

/**
 * The test-time sampler (section 8): {@code n} windows evenly spaced over the video, {@code
 * floor(linspace(0, windows - 1, n))} as torchvision's {@code UniformClipSampler}, repeating
 * windows when a video has fewer than {@code n}.
 */
public final class UniformClipSampler {

  /** The reference's number of test clips per video. */
  public static final int DEFAULT_CLIPS = 10;

  private UniformClipSampler() {}

  /**
   * Returns the window indices.
   *
   * @param windows number of full windows of the video (0 for a video shorter than one window,
   *     which gets window 0 every time)
   * @param n clips per video
   * @return {@code n} window indices in increasing order
   */
  public static int[] sample(int windows, int n) {
    int[] starts = new int[n];
    if (windows <= 1) {
      return starts;
    }
    for (int k = 0; k < n; k++) {
      double position = n == 1 ? 0 : (double) k * (windows - 1) / (n - 1);
      starts[k] = (int) Math.floor(position + 1e-9);
    }
    return starts;
  }
}
