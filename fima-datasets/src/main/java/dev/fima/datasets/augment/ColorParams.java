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
}
