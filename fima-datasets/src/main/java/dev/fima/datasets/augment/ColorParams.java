package dev.fima.datasets.augment;

/**
 * The colour parameters of one batch, one value per sample (shared by all frames of that sample's
 * clip), drawn in Java so that they are a pure function of a seed.
 *
 * @param grayscale 1 where the sample is turned grey, else 0
 * @param brightness brightness factor per sample (1 = unchanged)
 * @param contrast contrast factor per sample (1 = unchanged)
 * @param saturation saturation factor per sample (1 = unchanged)
 * @param hue hue shift per sample as a fraction of the colour circle (0 = unchanged)
 * @param order the order of the four jitter operations for the whole batch: 0 brightness, 1
 *     contrast, 2 saturation, 3 hue
 * @param blurSigma Gaussian blur sigma per sample in pixels, 0 for no blur
 */
public record ColorParams(
    float[] grayscale,
    float[] brightness,
    float[] contrast,
    float[] saturation,
    float[] hue,
    int[] order,
    float[] blurSigma) {

  /**
   * Returns the number of samples.
   *
   * @return B
   */
  public int size() {
    return grayscale.length;
  }

  /**
   * Returns these parameters with some parts made neutral, so that applying them changes only the
   * parts kept: the same draws, with grayscale 0, jitter factors 1 and hue 0, or sigma 0 where a
   * part is left out.
   *
   * @param jitter keep the brightness, contrast, saturation and hue factors
   * @param gray keep the grayscale draws
   * @param blur keep the blur sigmas
   * @return the parameters with the other parts neutral
   */
  public ColorParams keeping(boolean jitter, boolean gray, boolean blur) {
    int b = size();
    return new ColorParams(
        gray ? grayscale.clone() : new float[b],
        jitter ? brightness.clone() : filled(b, 1f),
        jitter ? contrast.clone() : filled(b, 1f),
        jitter ? saturation.clone() : filled(b, 1f),
        jitter ? hue.clone() : new float[b],
        order.clone(),
        blur ? blurSigma.clone() : new float[b]);
  }

  private static float[] filled(int n, float value) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, value);
    return a;
  }
}
